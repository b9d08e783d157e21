"""When a value read from a sheet means the same as the value in the YAML file.

The records do not care about the difference between ``3`` and ``3.0``, a missing key and an
empty list, ``attended: 全体`` and ``attended: [全体]``, or a text's surrounding spaces (the
models strip them); a round trip must not rewrite a file for any of these.
"""

from __future__ import annotations

import datetime as dt
from typing import Any


def is_empty(value: Any) -> bool:
    """A value that means the same as leaving the key out."""
    return value is None or (isinstance(value, list | dict) and not value)


def canon(value: Any) -> Any:
    """A hashable form of ``value`` that is equal exactly for values that mean the same."""
    if value is None:
        return ("none",)
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int):
        return ("num", value)
    if isinstance(value, float):
        return ("num", int(value)) if value.is_integer() else ("num", value)
    if isinstance(value, str):
        return ("str", value.strip())
    if isinstance(value, dt.datetime):
        return ("datetime", value.isoformat())
    if isinstance(value, dt.date):
        return ("date", value.isoformat())
    if isinstance(value, list):
        if len(value) == 1 and isinstance(value[0], str):
            return canon(value[0])  # a single post is written without brackets (attended: 全体)
        return ("list", tuple(canon(v) for v in value))
    if isinstance(value, dict):
        return ("map", tuple(sorted((str(k), canon(v)) for k, v in value.items() if not is_empty(v))))
    return ("other", repr(value))


def same(a: Any, b: Any) -> bool:
    if is_empty(a) and is_empty(b):
        return True
    return canon(a) == canon(b)
