"""The site's JSON files as people read them: the outer levels one entry per line, each entry on one line.

``json.dumps(..., indent=…)`` runs Python's own encoder over every value (the C encoder does not indent),
which at 2,000 communities made ``data/scores.json`` alone cost seconds of every build and of every
``dangjian serve`` edit.  Here only the outer ``levels`` are laid out by hand; everything below them is
encoded by the C encoder, one entry per line (``data/scores.json``: one line per community and period),
which also keeps a diff between two builds to the lines that changed.  The JSON is the same value.  The text
is written into one buffer whose bytes are taken as they are, so the document is held once while it is made.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

INDENT = " "
_EMPTY = object()


class Streamed:
    """A list that :func:`layered_json` encodes entry by entry as ``items`` produces them, so that the entries
    never all exist at once (``data/scores.json`` at 2,000 communities: 4,000 results, 70 MB of JSON, whose
    dicts took several times that).  Read once."""

    def __init__(self, items: Iterable[Any]) -> None:
        self.items = items


def layered_json(value: Any, levels: int, *, sort_keys: bool = False) -> bytes:
    """``value`` as UTF-8 JSON text with a final newline: dicts and lists of the outer ``levels`` one entry
    per line (indented by one space per level), the entries themselves on one line.  A :class:`Streamed`
    list is a list."""
    out = io.BytesIO()  # its bytes are given without a copy: the document is held once, not twice over
    for piece in _pieces(value, levels, 0, sort_keys):
        out.write(piece.encode("utf-8"))
    out.write(b"\n")
    return out.getvalue()


def _pieces(value: Any, levels: int, depth: int, sort_keys: bool) -> Iterator[str]:
    if isinstance(value, Streamed):
        items = iter(value.items)
        first = next(items, _EMPTY)
        if first is _EMPTY:
            yield "[]"
            return
        entries: Iterable[Any] = _chain(first, items)
    elif levels <= 0 or not isinstance(value, dict | list) or not value:
        yield _ENCODERS[sort_keys].encode(value)
        return
    else:
        entries = value
    pad, close = "\n" + INDENT * (depth + 1), "\n" + INDENT * depth
    if levels <= 0:  # a streamed list below the laid-out levels: on one line, as json.dumps writes a list
        yield _ENCODERS[sort_keys].encode(list(entries))
        return
    encoder = _ENCODERS[sort_keys]
    if isinstance(entries, dict):
        keys = sorted(entries) if sort_keys else list(entries)
        for n, k in enumerate(keys):
            v = entries[k]
            if levels == 1 and not isinstance(v, Streamed):  # the entry on its line: one call, ``"k": v``
                yield ("{" if n == 0 else ",") + pad + encoder.encode({str(k): v})[1:-1]
                continue
            yield ("{" if n == 0 else ",") + pad + encoder.encode(str(k)) + ": "
            yield from _pieces(v, levels - 1, depth + 1, sort_keys)
        yield close + "}"
        return
    for n, v in enumerate(entries):
        if levels == 1 and not isinstance(v, Streamed):
            yield ("[" if n == 0 else ",") + pad + encoder.encode(v)
            continue
        yield ("[" if n == 0 else ",") + pad
        yield from _pieces(v, levels - 1, depth + 1, sort_keys)
    yield close + "]"


def _listed(value: Any) -> list[Any]:
    """A streamed list inside a value encoded in one piece (below the laid-out levels)."""
    if isinstance(value, Streamed):
        return list(value.items)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# ``json.dumps`` with options makes an encoder per call: at 2,000 communities the manifest alone is 240,000 calls.
_ENCODERS = {sort: json.JSONEncoder(ensure_ascii=False, sort_keys=sort, default=_listed) for sort in (False, True)}


def _chain(first: Any, rest: Iterator[Any]) -> Iterator[Any]:
    yield first
    yield from rest
