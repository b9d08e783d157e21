"""What changed in a project between two runs of a long-running process (``dangjian serve``), and whose it is.

A :class:`Snapshot` is a digest of every file the site is made from (``communities/``, ``content/``,
``site_config.yml``); comparing two gives the changed paths, and :func:`scope_of` maps them to the
communities they belong to: ``communities/<town>/<community>/…`` belongs to that community; anything else
(``district.yml``, a ``town.yml``, frozen results, ``content/``, ``site_config.yml``) may change every page.

A build keeps its snapshot in the cache folder (:meth:`Snapshot.keep`), so that the next one reads only the files
whose modification time, change time, size or inode differ (11,500 files at 2,000 communities); as git does with
its index, a file written within :data:`RACY_NS` of the snapshot is not trusted, and the change time (set by every
write, whatever a program does to the modification time) must match too.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from generator.cache import cache_key, package_version, read_entry, write_entry
from generator.records.frozen import RESULTS_DIR

SOURCES = ("communities", "content", "site_config.yml")
Stat = tuple[int, int, int, int]  # mtime_ns, ctime_ns (any write sets it), size, inode
KIND = "sources"  # the last build's snapshot, in the cache folder (``kept``, ``keep``)
FORMAT = 1
RACY_NS = 2_000_000_000  # a file written this close to a snapshot is read again by the next (git's "racily clean")


@dataclass
class Snapshot:
    """Project-relative path -> SHA-256 of the bytes (hidden files and folders left out, as the loader does)."""

    digests: dict[str, bytes] = field(default_factory=dict)
    stats: dict[str, Stat] = field(default_factory=dict)

    @classmethod
    def take(cls, project: Path, previous: Snapshot | None = None) -> Snapshot:
        """Read every source file; a file whose size, inode and modification time are those ``previous``
        saw keeps its digest unread."""
        out = cls()
        for rel, path in _files(project):
            try:
                st = path.stat()
            except OSError:
                continue
            stat = (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)
            if previous is not None and previous.stats.get(rel) == stat:
                out.digests[rel], out.stats[rel] = previous.digests[rel], stat
                continue
            try:
                out.digests[rel] = hashlib.sha256(path.read_bytes()).digest()
            except OSError:
                continue
            out.stats[rel] = stat
        return out

    @classmethod
    def kept(cls, folder: Path | None) -> Snapshot | None:
        """The snapshot :meth:`keep` left in the cache folder (so that a build reads only the files changed since
        the last one); None without one, or when it is damaged."""
        blobs = read_entry(folder, KIND, cache_key(KIND, FORMAT))
        try:
            data = json.loads(blobs[0]) if blobs is not None and len(blobs) == 1 else None
            out = cls()
            for rel, (digest, stat) in data.items():
                if not (isinstance(rel, str) and len(stat) == 4 and all(type(n) is int for n in stat)):
                    return None
                out.digests[rel], out.stats[rel] = bytes.fromhex(digest), (stat[0], stat[1], stat[2], stat[3])
        except (ValueError, TypeError, AttributeError):
            return None
        return out

    def keep(self, folder: Path | None, started_ns: int) -> None:
        """Leave this snapshot (taken from ``started_ns``, the clock's nanoseconds) for the next build; a file
        modified or changed less than :data:`RACY_NS` before it is left out, since a write within the clock's
        granularity of that could keep its times (the next build reads it again)."""
        if folder is None:
            return
        trusted = {rel: [self.digests[rel].hex(), list(stat)] for rel, stat in sorted(self.stats.items())
                   if max(stat[0], stat[1]) < started_ns - RACY_NS}
        write_entry(folder, KIND, cache_key(KIND, FORMAT), [json.dumps(trusted, separators=(",", ":")).encode()])

    def changed(self, other: Snapshot) -> set[str]:
        """Paths added, removed or rewritten with other bytes between ``self`` and ``other``."""
        return {rel for rel in self.digests.keys() | other.digests.keys()
                if self.digests.get(rel) != other.digests.get(rel)}


def _files(project: Path) -> Iterable[tuple[str, Path]]:
    for name in SOURCES:
        top = project / name
        if top.is_file():
            yield name, top
            continue
        for folder, dirs, files in os.walk(top):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            base = Path(folder)
            for file in sorted(files):
                if not file.startswith("."):
                    path = base / file
                    yield path.relative_to(project).as_posix(), path


def scope_of(paths: Iterable[str]) -> frozenset[str] | None:
    """The communities (``town/community`` keys) that ``paths`` belong to; None when one of them may change
    every page (or none is a community's)."""
    keys = set()
    for rel in paths:
        parts = rel.split("/")
        if len(parts) < 4 or parts[0] != "communities" or parts[1] == RESULTS_DIR:
            return None
        keys.add(f"{parts[1]}/{parts[2]}")
    return frozenset(keys)


Rows = list[list[str]]  # [project-relative path, SHA-256 hex], in path order


def by_owner(snapshot: Snapshot) -> tuple[Rows, dict[str, Rows]]:
    """The snapshot's files as rows: those that are no community's (by :func:`scope_of`: they may change every
    page) and each community's, by key."""
    shared: Rows = []
    own: dict[str, Rows] = {}
    for rel, digest in sorted(snapshot.digests.items()):
        scope = scope_of([rel])
        row = [rel, digest.hex()]
        if scope is None:
            shared.append(row)
        else:
            own.setdefault(next(iter(scope)), []).append(row)
    return shared, own


def community_keys(sources: Snapshot, communities: Iterable[str], *parts: str | int) -> dict[str, str] | None:
    """Per community (by key), a key of everything a per-community result made from the files can depend on:
    ``parts`` (what the result is, and e.g. the as-of date), every source file that is no community's, the
    community's own files and the generator's every file (``cache.package_version``); None when that version
    is unknown."""
    version = package_version()
    if version is None:
        return None
    shared, own = by_owner(sources)
    base = cache_key(*parts, version, shared)
    return {c: cache_key(base, c, own.get(c, [])) for c in communities}
