"""Pieces of pages kept by what they show, from one render to the next (``.cache/fragments/``).

A site-wide page that lists every community (an item page: one row per community) is rendered again whenever any
community changed, yet almost all of its rows show what they showed before.  A producer that can name everything
a piece shows (its *key*: a tuple of strings, numbers and fractions, the values the template reads) renders it
once and takes it from here while the key stays the same:

* in one process (``dangjian serve`` renders after every edit), the last render's pieces are kept in memory;
* across builds, the last render's pieces are one entry of the content cache, under a key made of the
  generator's code (every file of the package, templates and messages included: ``cache.package_version``),
  the language and the kind of piece; a build reads it when it first renders that kind, and writes it again
  when a piece was rendered anew.  ``DANGJIAN_NO_CACHE`` turns it off like every other part of the cache;
  an entry no build used for a week (another version of the code) is removed (``cache.prune``).

Only the last render's pieces are kept, so the entry does not grow with edits.  A piece's key is hashed from its
``repr``: for the values keys hold (``str``, ``int``, ``Fraction``, ``None`` and tuples of them) that is exact,
so two keys that differ never share a piece.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

from generator.cache import cache_key, entry_path, package_version, prune, read_entry, touch, write_entry
from generator.messages import language

KIND = "fragments"
FORMAT = 1  # bump when an entry's layout changes

Key = tuple[object, ...]


def _digest(key: Key) -> str:
    return hashlib.blake2b(repr(key).encode("utf-8"), digest_size=16).hexdigest()


class Fragments:
    """The pieces of one kind (``name``): those the last render kept, and this render's."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.kept: dict[str, str] = {}  # the last render's pieces, by key digest
        self.last: dict[str, str] = {}  # this render's
        self.rendered = 0  # pieces this render did not find

    def start(self, folder: Path | None) -> None:
        """A render starts: the last render's pieces, from this process or else from ``folder``'s cache."""
        if self.last or folder is None:
            self.kept = self.last
        else:
            self.kept = self._read(folder)
        self.last, self.rendered = {}, 0

    def piece(self, key: Key, make: Callable[[], str]) -> str:
        """The piece kept under ``key``, or the one ``make`` renders (then kept for the next render)."""
        digest = _digest(key)
        text = self.kept.get(digest)
        if text is None:
            text = make()
            self.rendered += 1
        self.last[digest] = text
        return text

    def finish(self, folder: Path | None) -> None:
        """A render ended: keep its pieces in ``folder``'s cache when any was rendered anew or any went."""
        if folder is None:
            return
        key = self._key()
        if key is not None and (self.rendered or len(self.last) != len(self.kept)):
            data = json.dumps(self.last, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            write_entry(folder, KIND, key, [data])
        prune(folder, KIND)  # another version's pieces, unused for a week (``cache.KEEP_DAYS``)

    def _key(self) -> str | None:
        version = package_version()
        return None if version is None else cache_key(KIND, FORMAT, self.name, version, language())

    def _read(self, folder: Path) -> dict[str, str]:
        key = self._key()
        if key is None:
            return {}
        blobs = read_entry(folder, KIND, key)
        if not blobs or len(blobs) != 1:
            return {}
        try:
            found = json.loads(blobs[0])
        except ValueError:
            return {}
        if not isinstance(found, dict) or not all(isinstance(v, str) for v in found.values()):
            return {}
        touch(entry_path(folder, KIND, key))  # used: pruning keeps it
        return found
