"""Parsed record files kept across builds: a warm build does not read unchanged YAML again.

Reading the YAML is most of the load stage (at 200 communities ~1.9 s of ~2.5 s; checking the records
against their models is the rest).  What a file parses to (its plain data and its line map) depends on its
bytes and on the reader's code only, so it is kept in the content cache (``generator/cache.py``) under the
SHA-256 of the bytes, one entry per town folder (the town's and its communities' files): an edit to one
file parses that file again and rewrites its town's entry, nothing else.  The records are still built and
checked from the data as on a fresh read, so every check and every error is the same; a file that had
errors is never kept (it is read, and its errors worded, every time).

An entry holds, per file, JSON of ``[data, lines]``: dates as ``{"\\u0000d": "2026-06-30"}`` (a key no YAML
text can hold: NUL is refused), paths as lists.  A file whose data would not come back equal (a type JSON
does not keep) is not kept.  ``DANGJIAN_NO_CACHE`` turns this off like the rest of the cache; a damaged
entry is ignored and written again.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from pathlib import Path
from typing import Any

from generator.cache import cache_key, read_entry, write_entry
from generator.records.yamlio import PathKey

KIND = "records"
FORMAT = 1
DATE = "\x00d"
_SOURCES = [Path(__file__).with_name(n) for n in ("yamlio.py", "parse_store.py")]
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False,
                            default=lambda o: _date(o))
Parsed = tuple[Any, dict[PathKey, int]]


@functools.cache
def _code_version() -> str:
    """The reader's code, once per process (every town's key holds it)."""
    return cache_key(KIND, FORMAT, *(p.read_bytes() for p in _SOURCES))


def _date(value: object) -> dict[str, str]:
    if type(value) is dt.date:
        return {DATE: value.isoformat()}
    raise TypeError(type(value).__name__)


def _hook(obj: dict[str, Any]) -> Any:
    return dt.date.fromisoformat(obj[DATE]) if len(obj) == 1 and DATE in obj else obj


def encode(data: Any, lines: dict[PathKey, int]) -> bytes | None:
    """JSON of a parsed file, or None if it would not decode to the same data and lines."""
    try:
        text = _ENCODER.encode([data, [[list(k), v] for k, v in lines.items()]])
    except (TypeError, ValueError):
        return None
    blob = text.encode("utf-8")
    return blob if decode(blob) == (data, lines) else None


def decode(blob: bytes) -> Parsed:
    data, lines = json.loads(blob, object_hook=_hook)
    return data, {tuple(k): v for k, v in lines}


class TownStore:
    """The kept parses of one town folder, for one load: found by the SHA-256 of a file's bytes."""

    def __init__(self, folder: Path | None, town: str) -> None:
        self.folder = folder
        self.key = cache_key(KIND, _code_version(), town)
        self.kept: dict[bytes, bytes] = {}
        self.used: dict[bytes, bytes] = {}  # what this load read or parsed: the next entry
        blobs = read_entry(folder, KIND, self.key)
        if blobs:
            try:
                digests = [bytes.fromhex(d) for d in json.loads(blobs[0])]
            except (ValueError, TypeError):
                digests = []
            if len(digests) == len(blobs) - 1:
                self.kept = dict(zip(digests, blobs[1:], strict=True))

    def get(self, raw: bytes) -> tuple[bytes, Parsed | None]:
        """The digest of ``raw`` and what it parsed to before (None: not kept)."""
        digest = hashlib.sha256(raw).digest()
        blob = self.kept.get(digest)
        if blob is None:
            return digest, None
        try:
            parsed = decode(blob)
        except (ValueError, TypeError, KeyError):
            return digest, None
        self.used[digest] = blob
        return digest, parsed

    def put(self, digest: bytes, data: Any, lines: dict[PathKey, int]) -> None:
        blob = encode(data, lines)
        if blob is not None:
            self.used[digest] = blob

    def save(self) -> None:
        """Write the town's entry if this load used other files than the entry holds."""
        if self.folder is None or self.used.keys() == self.kept.keys():
            return
        digests = sorted(self.used)
        write_entry(self.folder, KIND, self.key,
                    [json.dumps([d.hex() for d in digests]).encode(), *(self.used[d] for d in digests)])
