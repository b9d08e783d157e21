"""What may run in the built site, collected once per check: files by hash, inline scripts by text.

* **Files**: MkDocs copies Material's ``assets/`` and the project's theme folder into the site as
  they are, so a script of the site must have the SHA-256 of one of those files.  A script built
  any other way (a changed bundle, a file a record smuggled in) is a finding, whatever it does:
  a URL assembled by concatenation or loaded with ``import()`` cannot be found by reading it.
* **Inline scripts**: the ones written in our page templates, in the theme and in Material's
  templates.  A Jinja placeholder in them (``{{ base_url }}``) becomes a pattern: inside a JavaScript
  string, any text without quotes, ``<``, ``>``, backslashes or spaces (it cannot end the string or the
  script), and its value is then checked as a URL of the site; outside a string, a number, ``true``,
  ``false`` or ``null`` only.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path

from generator.engine import material
from generator.engine.verify_base import Trust

TEMPLATE_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
IN_STRING = r"""([^"'`<>\\\s]*)"""
OUTSIDE_STRING = r"(?:-?[0-9]+(?:\.[0-9]+)?|true|false|null)"
TEMPLATE_SUFFIXES = (".j2", ".html")


def template_scripts(*folders: Path, skip: tuple[str, ...] = ()) -> set[str]:
    """Inline scripts written in the templates of ``folders`` (Jinja placeholders and all).

    Scripts with ``src`` and JSON data scripts are not inline code; templates whose path (relative
    to their folder) starts with one of ``skip`` are left out.
    """
    out: set[str] = set()
    for folder in folders:
        for file in sorted(folder.rglob("*")) if folder.is_dir() else ():
            rel = file.relative_to(folder).as_posix()
            if not (file.name.endswith(TEMPLATE_SUFFIXES) and file.is_file()) or rel.startswith(skip):
                continue
            text = file.read_text(encoding="utf-8", errors="replace")
            for m in TEMPLATE_SCRIPT.finditer(text):
                attrs = m.group(1).lower()
                if "src=" not in attrs and "json" not in attrs:
                    out.add(m.group(2).strip())
    return out


def _in_string(js: str) -> bool:
    """Whether the end of ``js`` is inside a '…' or "…" literal (a `…` template may hold code in ${…})."""
    quote = ""
    i = 0
    while i < len(js):
        ch = js[i]
        if quote and ch == "\\":
            i += 2
            continue
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"`":
            quote = ch
        i += 1
    return quote in ("'", '"')


def script_pattern(script: str) -> re.Pattern[str] | None:
    """The pattern of an inline script with Jinja placeholders; None for a literal script."""
    if not JINJA.search(script):
        return None
    out: list[str] = []
    literal: list[str] = []
    pos = 0
    for m in JINJA.finditer(script):
        literal.append(script[pos:m.start()])
        out.append(re.escape(script[pos:m.start()]))
        if not m.group(0).startswith("{#"):  # a comment prints nothing
            out.append(IN_STRING if _in_string("".join(literal)) else OUTSIDE_STRING)
        pos = m.end()
    out.append(re.escape(script[pos:]))
    return re.compile("".join(out), re.S)


def _digests(folder: Path) -> tuple[frozenset[str], frozenset[int]]:
    files = [p for p in sorted(folder.rglob("*")) if p.is_file()] if folder.is_dir() else []
    data = [p.read_bytes() for p in files]
    return frozenset(hashlib.sha256(d).hexdigest() for d in data), frozenset(len(d) for d in data)


@cache
def _material() -> tuple[frozenset[str], frozenset[int], frozenset[str]]:
    """Material's shipped files and inline scripts (the installed theme does not change while we run)."""
    templates = material.templates_dir()
    digests, sizes = _digests(templates / "assets")
    return digests, sizes, frozenset(template_scripts(templates, skip=material.UNTRUSTED_TEMPLATES))


def build_trust(templates: Path, theme: Path) -> Trust:
    """The trust lists for a site built with our page ``templates`` and the project's ``theme`` folder."""
    vendor, vendor_sizes, material_scripts = _material()
    ours, our_sizes = _digests(theme)
    scripts = template_scripts(templates, theme) | material_scripts
    patterns = {s: p for s in sorted(scripts) if (p := script_pattern(s)) is not None}
    return Trust(vendor=vendor, ours=ours, sizes=vendor_sizes | our_sizes,
                 scripts=frozenset(s for s in scripts if s not in patterns), patterns=tuple(patterns.values()))
