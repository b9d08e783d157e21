"""The Jinja2 environment: StrictUndefined, autoescape, and small display filters."""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from generator import urls
from generator.pages.markup import render_markdown
from generator.pages.status import RARER_STATUSES
from generator.pages.typeset import cn_punct
from generator.records.periods import period_label

# Plain text is text: besides HTML's own characters, every character that could start Markdown or an
# attribute list ({: onclick=…}, [link](…), **bold**, # heading, | table) becomes a character reference, so a
# name, title or target is shown exactly as written and never turns into markup.  Markdown fields are
# rendered (and sanitised) by the ``markdown`` filter, whose output is already safe and left alone.
# ("#" only where it starts a value: mid-text it is no heading, and it is every address's fragment.)
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;",  # as markupsafe
                       **{c: f"&#{ord(c)};" for c in "\\`*{}[]|"}})
# "_" makes emphasis only at a word's edge (Python-Markdown ignores it inside words such as as_of).
_EDGE_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")
_SPECIAL = re.compile(r"[&<>\"'\\`*{}\[\]|_#]")  # text without any of these is shown as it is


def plain_text(value: object) -> object:
    """Jinja's ``finalize``: every ``{{ value }}`` that is plain text is escaped for HTML *and* Markdown."""
    if isinstance(value, str) and not isinstance(value, Markup):
        if not _SPECIAL.search(value):
            return value  # nothing to escape: autoescape's escape() gives it back as it is
        text = _EDGE_UNDERSCORE.sub("&#95;", value.translate(_TEXT))
        return Markup("&#35;" + text[1:] if text.startswith("#") else text)
    return value


def cn_date(day: dt.date | str | None) -> str:
    """``2026-06-30`` (a date or its ISO text) as residents write it: 2026年6月30日."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    return f"{day.year}年{day.month}月{day.day}日" if day else "—"


def percent(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.{digits}f}%"


def yaml_str(value: str) -> Markup:
    """A value safe to put in YAML front matter (JSON strings are valid YAML)."""
    return Markup(json.dumps(str(value), ensure_ascii=False))


def markdown_filter(text: str | None) -> Markup:
    return Markup(render_markdown(text)) if text else Markup("")


def oneline(text: str | None) -> str:
    return " ".join(str(text).split()) if text else ""


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("generator.pages", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html", "md", "j2"), default=True),
        undefined=StrictUndefined,
        finalize=plain_text,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # Markdown heading ids use "{#id}", so Jinja comments are "[# ... #]".
        comment_start_string="[#",
        comment_end_string="#]",
    )
    env.filters.update(cn_date=cn_date, percent=percent, yaml_str=yaml_str, markdown=markdown_filter,
                       oneline=oneline, period_label=period_label, cn_punct=cn_punct)
    env.globals["url"] = urls  # every address comes from the URL module
    env.globals["rarer_statuses"] = RARER_STATUSES  # counted on summaries only where they occur
    return env


def render(template: str, **context: object) -> str:
    return environment().get_template(template).render(**context)
