"""YAML text for new or changed values, in the style of the sample records.

Block mappings indented by two, list items two deeper than their key, short lists of codes and
``publication`` in flow style (``[会议, 公开栏]``, ``{state: draft}``), multi-line text as a
literal block (``|-``).  A scalar is written plain only when the project's own reader (and a
YAML 1.1 reader, to be safe) reads it back as exactly the same value; otherwise it is quoted.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from typing import Any

import yaml

from generator.records.yamlio import parse_yaml_bytes
from generator.sheets.compare import is_empty
from generator.sheets.layout import layout

INDENT = 2
FLOW_MAPPINGS = {"publication"}
FLOW_ITEM_MAX = 24  # a list of scalars this short each is written [a, b, c]
FLOW_LINE_MAX = 100
_PLAIN_START = re.compile(r"^[-?:,\[\]{}#&*!|>'\"%@`]|^\s|\s$")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}
_PRINTABLE = re.compile("[\t\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")


def _reads_back(text: str, expected: Any) -> bool:
    """Does ``text`` read back as ``{"k": expected}`` with the project's reader and with PyYAML's?"""
    data = parse_yaml_bytes(text.encode("utf-8"), "<emit>")
    if not isinstance(data, dict) or data.get("k") != expected or type(data.get("k")) is not type(expected):
        return False
    try:
        other = yaml.safe_load(text)
    except yaml.YAMLError:
        return False
    return isinstance(other, dict) and other.get("k") == expected


def _plain_ok(text: str, flow: bool) -> bool:
    if not text or "\n" in text or _PLAIN_START.search(text) or ": " in text or " #" in text \
            or text.endswith(":") or "\t" in text:
        return False
    if any(not _PRINTABLE.match(ch) for ch in text):
        return False
    if flow:
        return not any(ch in text for ch in ",[]{}") and _reads_back(f"k: [{text}]\n", [text])
    return _reads_back(f"k: {text}\n", text)


def double_quoted(text: str) -> str:
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif _PRINTABLE.match(ch):
            out.append(ch)
        elif ord(ch) <= 0xFF:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return '"' + "".join(out) + '"'


def _float(value: float) -> str:
    text = repr(value)
    mantissa, e, exponent = text.partition("e")
    if "." not in mantissa and mantissa.lstrip("-").isdigit():
        mantissa += ".0"
    return mantissa + (e + exponent if e else "")


def scalar(value: Any, flow: bool = False) -> str:
    """One-line YAML for a scalar (multi-line text is double-quoted here; see :func:`literal`)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return text if _plain_ok(text, flow) else double_quoted(text)


def is_scalar(value: Any) -> bool:
    return not isinstance(value, list | dict)


def literal(text: str, indent: int) -> list[str] | None:
    """A literal block (``|-`` and its lines at ``indent``) for multi-line text, or ``None`` if one cannot hold it."""
    if any(not _PRINTABLE.match(ch) for ch in text.replace("\n", "")):
        return None
    chomp = "-" if not text.endswith("\n") else ("+" if text.endswith("\n\n") else "")
    body = text[:-1] if text.endswith("\n") and chomp == "" else text
    if chomp == "+":
        body = text[:-1]
    lines = body.split("\n")
    first = next((line for line in lines if line.strip()), "")
    indicator = str(INDENT) if first.startswith(" ") else ""
    pad = " " * indent
    out = [f"|{indicator}{chomp}", *[(pad + line) if line else "" for line in lines]]
    sample = "k: " + out[0] + "\n" + "\n".join("  " + line[indent:] if line else "" for line in out[1:]) + "\n"
    return out if _reads_back(sample, text) else None


@cache
def _sentence_lists() -> frozenset[str]:
    """Keys of lists of sentences (goals, measures …): one item a line, never ``[a, b]``."""
    lay = layout()
    columns = [*lay.fields, *(c for t in lay.tables for c in t.columns)]
    return frozenset(c.path[-1] for c in columns if c.kind.name == "lines")


def prefers_flow(key: str | None, value: Any) -> bool:
    """Write this new collection in flow style, as the sample records do?"""
    if isinstance(value, dict):
        return key in FLOW_MAPPINGS and all(is_scalar(v) for v in value.values())
    if isinstance(value, list):
        if key in _sentence_lists():
            return False
        if not all(is_scalar(v) and not (isinstance(v, str) and "\n" in v) for v in value):
            return False
        return all(len(str(v)) <= FLOW_ITEM_MAX for v in value) and len(flow(value)) <= FLOW_LINE_MAX
    return False


def flow(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{scalar(k, True)}: {flow(v)}" for k, v in value.items() if v is not None) + "}"
    return scalar(value, flow=True)


def _value_lines(key: str | None, value: Any, indent: int, head: str) -> list[str]:
    """``head`` (``key:`` or ``-``) followed by ``value``; nested lines at ``indent``."""
    if isinstance(value, str) and "\n" in value:
        block = literal(value, indent)
        if block is not None:
            return [f"{head} {block[0]}", *block[1:]]
        return [f"{head} {double_quoted(value)}"]
    if is_scalar(value):
        return [f"{head} {scalar(value)}"]
    if is_empty(value):
        return [f"{head} {'[]' if isinstance(value, list) else '{}'}"]
    if prefers_flow(key, value):
        return [f"{head} {flow(value)}"]
    if isinstance(value, list):
        return [head, *[line for item in value for line in item_lines(item, indent)]]
    body = mapping_lines(value, indent)
    if not body:
        return [f"{head} {{}}"]
    if head == "-":
        return [f"- {body[0][indent:]}", *body[1:]]
    return [head, *body]


def mapping_lines(value: dict[str, Any], indent: int) -> list[str]:
    """A block mapping at ``indent`` (keys with empty values are left out)."""
    pad = " " * indent
    out: list[str] = []
    for key, item in value.items():
        if is_empty(item):
            continue
        lines = _value_lines(key, item, indent + INDENT, f"{scalar(key)}:")
        out += [pad + lines[0], *lines[1:]]
    return out


def item_lines(item: Any, indent: int) -> list[str]:
    """A block sequence item with its dash at ``indent``."""
    pad = " " * indent
    body = mapping_lines(item, indent + INDENT) if isinstance(item, dict) and not prefers_flow(None, item) else []
    if body:
        return [f"{pad}- {body[0][indent + INDENT:]}", *body[1:]]
    lines = _value_lines(None, item, indent + INDENT, "-")
    return [pad + lines[0], *lines[1:]]


def pair_lines(key: str, value: Any, indent: int) -> list[str]:
    """``key: value`` at ``indent`` (the first line without its indentation), empty values written out."""
    return _value_lines(key, value, indent + INDENT, f"{scalar(key)}:")


def document(value: dict[str, Any], header: list[str]) -> str:
    """A whole new file: comment lines, then the top-level keys separated by blank lines."""
    parts = []
    for key, item in value.items():
        if is_empty(item):
            continue
        parts.append("\n".join(_value_lines(key, item, INDENT, f"{scalar(key)}:")))
    head = "".join(f"# {line}\n" for line in header)
    return head + ("\n" if head else "") + "\n\n".join(parts) + "\n"
