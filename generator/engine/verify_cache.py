"""The output check's memory: a file whose bytes verified clean last time is not read again.

What one file's checks (:func:`generator.engine.verify.scan_data`) say depends on its bytes, its path
in the site, and *which files of the site its URLs name* (a link is broken when the file it names is
missing; a ``<script src>`` must name a ``.js`` file).  So the manifest (``.cache/verify/manifest``)
records, for every file that verified clean, the SHA-256 of its bytes, its inode (device, inode number,
size and modification time in nanoseconds) and every site path its URLs looked up together with the file
that path named then.  A later check skips a file whose lookups all still name the same files and which
is the very inode it verified (a build links the files equal to the published ones, ``linked_files``: they
are not even read), or whose bytes are the same; every other file is checked in full.  A file with a
finding is never recorded, so it is checked again by the next run.  (An inode is trusted as unchanged
while its size and modification time are: a write into it sets the time; a number freed and given to a
new file cannot carry the old file's time, which was set at least one build earlier.)

A data file's text (``data/scores.json``: tens of megabytes, rewritten whenever one community changes) is also
remembered part by part: each record's strings (``verify_files._parts``) under a BLAKE2b digest of their text,
kept with the file's entry.  A later check of a data file looks for personal information only in the parts not
remembered clean by any file's entry (what the detector finds in a text depends on that text alone, and no finding
spans two records); the parts with a finding are reported as a check without the manifest reports them.

The manifest holds for one *verifier version*: a hash of everything else that changes what the check
says: the source of the verify modules, of the personal-information detector and of the Material facts
(:data:`SOURCES`); the versions of Python, its Unicode tables and the parsers (:data:`LIBRARIES`); the
site URL; the PII allow-list; and the trust lists (Material's and the theme's files by hash, the inline
scripts of the templates).  A manifest of another version, or one that cannot be read, is empty.

The checks of the whole site (personal information in file names, symbolic links) are never skipped.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import unicodedata
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from generator.cache import cache_key, pack, unpack, write_atomic
from generator.engine.verify_base import TEXT_DIGEST, Site, Trust

FORMAT = 3  # bump when the manifest's layout or the meaning of "clean" changes
MANIFEST = Path("verify") / "manifest"
PACKAGE = Path(__file__).resolve().parents[1]
SOURCES = ("engine/verify.py", "engine/verify_base.py", "engine/verify_files.py", "engine/verify_html.py",
           "engine/verify_trust.py", "engine/verify_cache.py", "engine/material.py", "records/pii.py",
           "records/pii_screen.py", "cache.py")
LIBRARIES = ("lxml", "tinycss2", "Pillow", "pypdf")

DIGEST = TEXT_DIGEST  # bytes of a text part's digest (``verify_base.text_digest``)
Lookup = tuple[str, bool, str]  # a site path, asked for as a folder or not, and the file it named
Identity = tuple[int, int, int, int]  # st_dev, st_ino, st_size, st_mtime_ns


def identity(st: os.stat_result) -> Identity:
    """What tells a file's inode, and a write into it, apart (see the module)."""
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


@dataclass(frozen=True)
class Clean:
    """A file that verified clean: its site path, the SHA-256 of its bytes, its inode, and the site paths
    it looked up."""

    rel: str
    sha256: str
    lookups: tuple[Lookup, ...]
    inode: Identity
    texts: tuple[bytes, ...] = ()  # the digests of its text's parts (a data file's records), each clean
    # Instead of ``lookups`` (a record found unchanged): their places in the table of the manifest it was read from.
    positions: tuple[int, ...] | None = None


def clean_file(site: Site, rel: str, data: bytes, inode: Identity) -> Clean:
    """The record of ``rel``, just checked without a finding (``site.asked`` holds what it looked up,
    ``site.texts_clean`` the parts of its text it remembers)."""
    lookups = tuple(sorted((path, folder, site.exists[(path, folder)]) for path, folder in site.asked))
    return Clean(rel, hashlib.sha256(data).hexdigest(), lookups, inode, tuple(site.texts_clean))


def _library(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return ""


def verifier_version(site_url: str, allow: list[str], trust: Trust) -> str:
    """A key over everything but a file's own bytes and lookups that changes what the check says of it."""
    sources = [(PACKAGE / rel).read_bytes() for rel in SOURCES]
    return cache_key("verify", FORMAT, sys.version, unicodedata.unidata_version,
                     [_library(n) for n in LIBRARIES], *sources, site_url, allow,
                     sorted(trust.vendor), sorted(trust.ours), sorted(trust.sizes), sorted(trust.scripts),
                     [p.pattern for p in trust.patterns])


def _document(path: Path) -> tuple[dict[str, Any], bytes] | None:
    """The manifest's document (of this format) and its blob of text-part digests; None: missing or damaged."""
    try:
        blobs = unpack(path.read_bytes())
        doc = json.loads(blobs[0]) if blobs and len(blobs) == 2 else None
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or blobs is None:
        return None
    return doc, blobs[1]


def published_files(folder: Path) -> dict[str, tuple[str, Identity]]:
    """Every file the last check found clean, by site path: the SHA-256 of its bytes and its inode, whatever the
    verifier version (those are facts about the file, not about what the check said; ``linked_files``).  Empty
    when the manifest is missing or damaged."""
    found = _document(folder / MANIFEST)
    files = found[0].get("files") if found is not None else None
    if not isinstance(files, dict):
        return {}
    out: dict[str, tuple[str, Identity]] = {}
    for rel, entry in files.items():
        if (isinstance(entry, list) and len(entry) == 4 and isinstance(entry[0], str) and isinstance(entry[2], list)
                and len(entry[2]) == 4 and all(type(i) is int for i in entry[2])):
            dev, ino, size, mtime = entry[2]
            out[rel] = (entry[0], (dev, ino, size, mtime))
    return out


class Manifest:
    """The files that verified clean under one verifier version, read from and written to the cache folder."""

    def __init__(self, folder: Path, version: str) -> None:
        self.path = folder / MANIFEST
        self.version = version
        self.files: dict[str, tuple[str, list[int], Identity]] = {}  # site path -> (SHA-256, lookups, inode)
        self.lookups: list[Lookup] = []
        self.parts: dict[str, tuple[bytes, ...]] = {}  # site path -> the digests of its clean text parts
        self.texts: frozenset[bytes] = frozenset()  # every file's clean text parts
        self._still: dict[int, bool] = {}  # lookups found to name the same file still (in this process)
        self._read()

    def _read(self) -> None:
        found = _document(self.path)
        if found is None or found[0].get("version") != self.version:
            return
        doc, digests = found
        lookups, files = doc.get("lookups"), doc.get("files")
        if not isinstance(lookups, list) or not isinstance(files, dict):
            return
        table: list[Lookup] = []
        for item in lookups:
            if not (isinstance(item, list) and len(item) == 3 and isinstance(item[0], str)
                    and isinstance(item[1], bool) and isinstance(item[2], str)):
                return
            table.append((item[0], item[1], item[2]))
        count = len(digests) // DIGEST
        out: dict[str, tuple[str, list[int], Identity]] = {}
        parts: dict[str, tuple[bytes, ...]] = {}
        indices = frozenset(range(len(table)))  # a file's look-ups are positions in the table
        for rel, entry in files.items():
            # (a look-up equal to a position but not an int, 1.0, fails where it is used: ``_still_named``)
            if not (type(entry) is list and len(entry) == 4 and type(entry[0]) is str
                    and type(entry[1]) is list and indices.issuperset(entry[1])
                    and type(entry[2]) is list and len(entry[2]) == 4
                    and type(entry[3]) is list and len(entry[3]) == 2):
                return
            dev, ino, size, mtime = entry[2]
            start, end = entry[3]
            if not (type(dev) is int and type(ino) is int and type(size) is int and type(mtime) is int
                    and type(start) is int and type(end) is int and 0 <= start <= end <= count):
                return
            out[rel] = (entry[0], entry[1], (dev, ino, size, mtime))
            if end > start:
                parts[rel] = tuple(digests[i * DIGEST:(i + 1) * DIGEST] for i in range(start, end))
        self.lookups, self.files, self.parts = table, out, parts
        self.texts = frozenset(d for found in parts.values() for d in found)

    def unchanged(self, site: Site, rel: str, inode: Identity) -> Clean | None:
        """The record of ``rel`` if it is the inode that verified clean, untouched, and names the same files;
        None: read it."""
        entry = self.files.get(rel)
        if entry is None or entry[2] != inode or not self._still_named(site, entry[1]):
            return None
        return Clean(rel, entry[0], (), inode, self.parts.get(rel, ()), tuple(entry[1]))

    def kept(self, site: Site, rel: str, data: bytes, inode: Identity) -> Clean | None:
        """The record of ``rel`` if it is still clean (same bytes, same files named); None: check it."""
        entry = self.files.get(rel)
        if entry is None:
            return None
        digest = hashlib.sha256(data).hexdigest()
        if digest != entry[0] or not self._still_named(site, entry[1]):
            return None
        return Clean(rel, digest, tuple(self.lookups[i] for i in entry[1]), inode, self.parts.get(rel, ()))

    def _still_named(self, site: Site, lookups: list[int]) -> bool:
        still = self._still
        for i in lookups:
            if type(i) is not int:  # not a position (the manifest was edited): the file is checked in full
                return False
            if i not in still:
                path, folder, named = self.lookups[i]
                still[i] = site.resolved((path, folder)) == named
            if not still[i]:
                return False
        return True

    def save(self, clean: list[Clean]) -> None:
        """Replace the manifest with ``clean`` (atomically; a manifest that cannot be written is skipped)."""
        index: dict[Lookup, int] = {}
        moved: dict[int, int] = {}  # a look-up's place in the manifest read -> its place in this one
        files: dict[str, list[object]] = {}
        digests: list[bytes] = []
        for c in sorted(clean, key=lambda c: c.rel):
            span = [len(digests), len(digests) + len(c.texts)]
            digests.extend(c.texts)
            if c.positions is not None:
                places = [moved[i] if i in moved else moved.setdefault(i, index.setdefault(self.lookups[i], len(index)))
                          for i in c.positions]
            else:
                places = [index.setdefault(item, len(index)) for item in c.lookups]
            files[c.rel] = [c.sha256, places, list(c.inode), span]
        doc = {"format": FORMAT, "version": self.version, "lookups": [list(k) for k in index], "files": files}
        write_atomic(self.path, pack([json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode(),
                                      b"".join(digests)]))

