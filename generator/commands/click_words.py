"""Click's own words (Usage, Options, error texts) from the message catalogue.

Click marks its texts for gettext (``from gettext import gettext as _`` in each module); this puts a
catalogue lookup in place of ``_`` and ``ngettext`` in those modules, so ``--help`` and usage errors
read in the chosen language.  Texts not listed stay as click wrote them.
"""

from __future__ import annotations

import importlib

import click

from generator.messages import catalogue, language

# click's message id -> catalogue key (the catalogue's English text is the message id itself)
WORDS = {
    "Usage:": "click.usage",
    "Options": "click.options",
    "Commands": "click.commands",
    "Show this message and exit.": "click.help",
    "Show the version and exit.": "click.version",
    "%(prog)s, version %(version)s": "click.version_line",
    "Error: {message}": "click.error",
    "Try '{command} {option}' for help.": "click.try_help",
    "Missing argument": "click.missing_argument",
    "Missing option": "click.missing_option",
    "Missing command.": "click.missing_command",
    "Missing parameter": "click.missing_parameter",
    "No such command {name!r}.": "click.no_such_command",
    "No such option {name!r}.": "click.no_such_option",
    "Invalid value for {param_hint}: {message}": "click.invalid_value_for",
    "Invalid value: {message}": "click.invalid_value",
    "{value!r} is not a valid {number_type}.": "click.not_a_number",
    "{value!r} is not {choice}.": "click.not_choice",
    "{value!r} is not one of {choices}.": "click.not_one_of",
    "Option {name!r} requires an argument.": "click.needs_argument",
    "Option {name!r} does not take a value.": "click.takes_no_value",
    "Got unexpected extra argument ({args})": "click.extra_argument",
    "Got unexpected extra arguments ({args})": "click.extra_arguments",
    "Did you mean {possibility}?": "click.did_you_mean",
    "(Did you mean one of: {possibilities}?)": "click.did_you_mean_one_of",
    "default: {default}": "click.default",
    "Aborted!": "click.aborted",
    "{name} {filename!r} is a file.": "click.is_a_file",
    "{name} {filename!r} does not exist.": "click.does_not_exist",
    "directory": "click.directory",
    "file": "click.file",
    "path": "click.path",
}
MODULES = ("click.core", "click.exceptions", "click.formatting", "click.decorators", "click.types", "click.parser",
           "click.termui")


def gettext(message: str) -> str:
    key = WORDS.get(message)
    return catalogue()[key].text[language()] if key else message


def ngettext(singular: str, plural: str, n: int) -> str:
    return gettext(singular if n == 1 else plural)


class Formatter(click.HelpFormatter):
    """Section headings end with a full-width colon in Chinese (选项：)."""

    def write_heading(self, heading: str) -> None:
        colon = "：" if language() == "zh" else ":"
        self.write(f"{'':>{self.current_indent}}{heading}{colon}\n")


def install() -> None:
    """Route click's gettext calls through the catalogue (idempotent)."""
    click.Context.formatter_class = Formatter
    for name in MODULES:
        module = importlib.import_module(name)
        if hasattr(module, "_"):
            module._ = gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]
