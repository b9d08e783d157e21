"""The message catalogue: every text that staff read, in Simplified Chinese and in English.

Messages are data (``generator/messages/*.yml``), looked up by key.  A :class:`Msg` is a key
and its parameters; it is rendered when it is printed, in the language chosen with ``--lang``
or ``DANGJIAN_LANG`` (Chinese by default).  Field paths such as ``pledges[3].due`` are shown
with the Chinese labels of ``labels.yml`` (``承诺[3].完成时限(due)``).
"""

from __future__ import annotations

import os
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
LABELS_FILE = "labels.yml"

_state = {"lang": ""}
# The catalogue is read by every command before it prints anything: libyaml's parser when PyYAML has it (the same
# data as the pure-Python one, ~8x faster: ~0.1 s of every run).
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def language() -> str:
    """The language messages are printed in: ``set_language``, else ``DANGJIAN_LANG``, else Chinese."""
    chosen = _state["lang"] or os.environ.get("DANGJIAN_LANG", "")
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def set_language(lang: str | None) -> None:
    if lang is not None and lang not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}")
    _state["lang"] = lang or ""


@dataclass(frozen=True)
class Entry:
    key: str
    file: str
    text: Mapping[str, str]
    hint: Mapping[str, str] | None


def _catalogue_files() -> list[Any]:
    folder = resources.files("generator.messages")
    return sorted((f for f in folder.iterdir() if f.name.endswith(".yml") and f.name != LABELS_FILE),
                  key=lambda f: f.name)


@cache
def catalogue() -> dict[str, Entry]:
    """Every message, from every catalogue file; a key defined twice is a programming error."""
    out: dict[str, Entry] = {}
    for file in _catalogue_files():
        data = yaml.load(file.read_text(encoding="utf-8"), Loader=_LOADER) or {}
        for key, value in data.items():
            if key in out:
                raise RuntimeError(f"message {key} is defined in {out[key].file} and {file.name}")
            hint = value.get("hint")
            out[key] = Entry(key, file.name, {k: value[k] for k in LANGUAGES if k in value}, hint)
    return out


@cache
def labels() -> dict[str, str]:
    """Chinese labels of record keys: ``key`` or ``parent.key`` (the more specific one wins)."""
    text = (resources.files("generator.messages") / LABELS_FILE).read_text(encoding="utf-8")
    return dict(yaml.load(text, Loader=_LOADER) or {})


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@dataclass(frozen=True)
class Choices:
    """Alternatives as each language lists them: “甲、乙、丙” or “a, b or c”."""

    items: tuple[str, ...]

    def text(self, lang: str | None = None) -> str:
        if (lang or language()) == "zh":
            return "、".join(self.items)
        return ", ".join(self.items[:-1]) + " or " + self.items[-1] if len(self.items) > 1 else "".join(self.items)


@dataclass(frozen=True)
class Msg:
    """A catalogue message and its parameters, rendered in the current language when shown."""

    key: str
    params: tuple[tuple[str, Any], ...] = ()
    hint_override: Msg | None = None

    def _values(self, lang: str) -> dict[str, str]:
        return {k: v.text(lang) if isinstance(v, Msg | Choices) else str(v) for k, v in self.params}

    def text(self, lang: str | None = None) -> str:
        lang = lang or language()
        entry = catalogue()[self.key]
        return entry.text[lang].format_map(self._values(lang))

    def hint(self, lang: str | None = None) -> str:
        lang = lang or language()
        if self.hint_override is not None:
            return self.hint_override.text(lang)
        entry = catalogue()[self.key]
        return entry.hint[lang].format_map(self._values(lang)) if entry.hint else ""

    def with_hint(self, hint: Msg | None) -> Msg:
        return Msg(self.key, self.params, hint)

    def __str__(self) -> str:
        return self.text()


def msg(key: str, /, hint: Msg | None = None, **params: Any) -> Msg:
    """The message ``key`` of the catalogue with ``params`` (an unknown key fails at once)."""
    if key not in catalogue():
        raise KeyError(f"no message {key!r} in the catalogue")
    return Msg(key, tuple(sorted(params.items())), hint)


class RuleError(ValueError):
    """Raised by a record validator with a catalogue message; pydantic keeps it in the error's context."""

    def __init__(self, message: Msg) -> None:
        super().__init__(message.text("en"))
        self.message = message


def t(key: str, /, **params: Any) -> str:
    """A catalogue text rendered now, for command-line output and help texts."""
    return msg(key, **params).text()


def join(items: Any) -> str:
    """A list as staff read it: 、 between Chinese items, ', ' in English."""
    return ("、" if language() == "zh" else ", ").join(str(i) for i in items)


_SEGMENT = re.compile(r"([^.\[\]]+)((?:\[\d+\])*)")


def label_field(field: str, lang: str | None = None) -> str:
    """``pledges[3].due`` as staff read it: ``承诺[3].完成时限(due)`` in Chinese, unchanged in English."""
    if (lang or language()) != "zh" or not field:
        return field
    table = labels()
    parts = field.split(".")
    out = []
    parent = ""
    for i, part in enumerate(parts):
        m = _SEGMENT.fullmatch(part)
        if m is None:
            return field
        key, index = m.groups()
        label = table.get(f"{parent}.{key}") or table.get(key)
        if label is None:
            out.append(part)
        elif i == len(parts) - 1:
            out.append(f"{label}{index}({key})")
        else:
            out.append(f"{label}{index}")
        parent = key
    return ".".join(out)
