"""The site's JSON files as people read them: the outer levels one entry per line, each entry on one line.

``json.dumps(..., indent=…)`` runs Python's own encoder over every value (the C encoder does not indent),
which at 2,000 communities made ``data/scores.json`` alone cost seconds of every build and of every
``dangjian serve`` edit.  Here only the outer ``levels`` are laid out by hand; everything below them is
encoded by the C encoder, one entry per line (``data/scores.json``: one line per community and period),
which also keeps a diff between two builds to the lines that changed.  The JSON is the same value.
"""

from __future__ import annotations

import json
from typing import Any

INDENT = " "


def layered_json(value: Any, levels: int, *, sort_keys: bool = False) -> bytes:
    """``value`` as UTF-8 JSON text with a final newline: dicts and lists of the outer ``levels`` one entry
    per line (indented by one space per level), the entries themselves on one line."""
    return (_layered(value, levels, 0, sort_keys) + "\n").encode("utf-8")


def _layered(value: Any, levels: int, depth: int, sort_keys: bool) -> str:
    if levels <= 0 or not isinstance(value, dict | list) or not value:
        return json.dumps(value, ensure_ascii=False, sort_keys=sort_keys)
    pad, close = "\n" + INDENT * (depth + 1), "\n" + INDENT * depth
    if isinstance(value, list):
        parts = [_layered(v, levels - 1, depth + 1, sort_keys) for v in value]
        return "[" + pad + ("," + pad).join(parts) + close + "]"
    keys = sorted(value) if sort_keys else list(value)
    parts = [json.dumps(str(k), ensure_ascii=False) + ": " + _layered(value[k], levels - 1, depth + 1, sort_keys)
             for k in keys]
    return "{" + pad + ("," + pad).join(parts) + close + "}"
