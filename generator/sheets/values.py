"""Cell values both ways: a record value as a cell shows it, and a cell as the record value it means.

Reading is forgiving where a person would be: dates typed as text (``2026-6-30``, ``2026/06/30``,
``2026年6月30日``), Excel date serials, numbers typed as text, full-width digits, trailing spaces,
``是``/``否`` for yes and no.  Anything else is a located error, never an exception.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from typing import Any

from generator.messages import Msg, msg
from generator.sheets.kinds import Kind

EMPTY: Any = None
YES, NO = "是", "否"
TRUE_WORDS = {YES, "true", "TRUE", "True"}
FALSE_WORDS = {NO, "false", "FALSE", "False"}
TOKEN_SEPARATORS = re.compile(r"[、,，;；\s]+")
TOKEN_JOIN = "、"
# Characters a record cannot hold: control characters (other than tab and line breaks), lone
# surrogates and the two non-characters; what YAML itself refuses to read.
FORBIDDEN = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                       r"(?:[ T]+0{1,2}:00(?::00(?:\.0+)?)?)?$")
COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
INT_TEXT = re.compile(r"^[+-]?\d+(?:\.0*)?$")
NUMBER_TEXT = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
# Excel day numbers from 1950-01-01 to 2100-12-31: a plain number outside this is not a date.
SERIAL_FIRST, SERIAL_LAST = 18264, 73415
EXCEL_EPOCH = dt.date(1899, 12, 30)
MAX_DIGITS = 40  # longer "numbers" are typing accidents (and Python refuses ints past 4300 digits)


# --- record value -> cell ----------------------------------------------------------


def to_cell(kind: Kind, value: Any, shown: dict[str, str] | None = None) -> Any:
    """What a cell holds for ``value`` (``None`` for a missing value)."""
    shown = shown or {}
    if value is None:
        return None
    if kind.name == "bool" and isinstance(value, bool):
        return YES if value else NO
    if kind.name == "choice" and isinstance(value, str):
        return shown.get(value, value)
    if kind.name == "tokens":
        items = value if isinstance(value, list) else [value]
        return TOKEN_JOIN.join(shown.get(str(i), str(i)) for i in items) or None
    if kind.name == "lines":
        items = value if isinstance(value, list) else [value]
        return "\n".join(str(i) for i in items) or None
    return value


# --- cell -> record value --------------------------------------------------------------


def clean_text(raw: str) -> tuple[str, Msg | None]:
    """Cell text with line breaks normalized and ends trimmed; an error for characters a record cannot hold."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    bad = FORBIDDEN.search(text)
    if bad:
        return "", msg("sheets.cell.control", code=f"U+{ord(bad.group()):04X}")
    return text.strip(), None


def _number_text(raw: Any) -> str:
    """A number as text: ``3`` for 3.0, no exponent for ordinary values."""
    if isinstance(raw, float) and raw.is_integer() and abs(raw) < 1e16:
        return str(int(raw))
    return str(raw)


def _as_text(raw: Any) -> str:
    if isinstance(raw, bool):
        return YES if raw else NO
    if isinstance(raw, int | float):
        return _number_text(raw)
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat(sep=" ")
    if isinstance(raw, dt.date | dt.time):
        return raw.isoformat()
    return str(raw)


def _narrow(text: str) -> str:
    """Full-width digits, letters and signs as ASCII (for numbers and dates only, never for text)."""
    return unicodedata.normalize("NFKC", text).strip()


def _int(raw: Any) -> tuple[Any, Msg | None]:
    if isinstance(raw, bool | dt.date | dt.time | dt.timedelta):
        return EMPTY, msg("sheets.cell.int")
    if isinstance(raw, int):
        return raw, None
    if isinstance(raw, float):
        if math.isfinite(raw) and raw.is_integer():
            return int(raw), None
        return EMPTY, msg("sheets.cell.int")
    text = _narrow(str(raw)).replace(",", "")
    if len(text) <= MAX_DIGITS and INT_TEXT.match(text):
        return int(text.split(".")[0]), None
    return EMPTY, msg("sheets.cell.int")


def _number(raw: Any) -> tuple[Any, Msg | None]:
    if isinstance(raw, bool | dt.date | dt.time | dt.timedelta):
        return EMPTY, msg("sheets.cell.number")
    if isinstance(raw, int):
        return raw, None
    if isinstance(raw, float):
        value = raw
    else:
        text = _narrow(str(raw)).replace(",", "")
        if len(text) > MAX_DIGITS or not NUMBER_TEXT.match(text):
            return EMPTY, msg("sheets.cell.number")
        value = float(text)
    if not math.isfinite(value):
        return EMPTY, msg("sheets.cell.number")
    if value.is_integer() and abs(value) < 1e15:
        return int(value), None
    return value, None


def _bool(raw: Any) -> tuple[Any, Msg | None]:
    if isinstance(raw, bool):
        return raw, None
    text = _narrow(str(raw)) if isinstance(raw, str) else ""
    if text in TRUE_WORDS:
        return True, None
    if text in FALSE_WORDS:
        return False, None
    return EMPTY, msg("sheets.cell.bool")


def _date(raw: Any) -> tuple[Any, Msg | None]:
    if isinstance(raw, dt.datetime):
        return raw.date(), None
    if isinstance(raw, dt.date):
        return raw, None
    if isinstance(raw, bool | dt.time | dt.timedelta):
        return EMPTY, msg("sheets.cell.date")
    if isinstance(raw, int | float):
        if math.isfinite(raw) and float(raw).is_integer() and SERIAL_FIRST <= raw <= SERIAL_LAST:
            return EXCEL_EPOCH + dt.timedelta(days=int(raw)), None
        return EMPTY, msg("sheets.cell.date")
    text = _narrow(str(raw))
    m = DATE_TEXT.match(text) or COMPACT_DATE.match(text)
    if not m:
        return EMPTY, msg("sheets.cell.date")
    try:
        return dt.date(*(int(g) for g in m.groups())), None
    except ValueError:
        return EMPTY, msg("sheets.cell.no_such_date", value=text)


def _choice(kind: Kind, raw: Any, shown: dict[str, str]) -> tuple[Any, Msg | None]:
    text = _as_text(raw).strip()
    if text in kind.choices:
        return text, None
    for value, label in shown.items():
        if text == label:
            return value, None
    options = "、".join(shown.get(c, c) for c in kind.choices)
    return EMPTY, msg("sheets.cell.choice", options=options)


def _tokens(kind: Kind, text: str, shown: dict[str, str]) -> tuple[Any, Msg | None]:
    items = [t for t in TOKEN_SEPARATORS.split(text) if t]
    item = kind.item or Kind("text")
    if item.name != "choice":
        return items, None
    out = []
    for token in items:
        value, error = _choice(item, token, shown)
        if error is not None:
            options = "、".join(shown.get(c, c) for c in item.choices)
            return EMPTY, msg("sheets.cell.token", token=token, options=options)
        out.append(value)
    return out, None


def from_cell(kind: Kind, raw: Any, shown: dict[str, str] | None = None) -> tuple[Any, Msg | None]:
    """The record value of a cell (``EMPTY`` for an empty cell) and the problem with it, if any."""
    shown = shown or {}
    if isinstance(raw, str):
        raw, error = clean_text(raw)
        if error is not None:
            return EMPTY, error
        if raw == "":
            return EMPTY, None
    elif raw is None:
        return EMPTY, None
    if kind.name == "text":
        return _as_text(raw), None
    if kind.name == "int":
        return _int(raw)
    if kind.name == "number":
        return _number(raw)
    if kind.name == "bool":
        return _bool(raw)
    if kind.name == "date":
        return _date(raw)
    if kind.name == "choice":
        return _choice(kind, raw, shown)
    text = _as_text(raw)
    if kind.name == "tokens":
        return _tokens(kind, text, shown)
    return [line.strip() for line in text.split("\n") if line.strip()], None


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and raw.strip() == "")
