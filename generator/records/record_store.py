"""Loaded record files kept across builds: a warm build neither reads nor checks unchanged YAML again.

Loading a file is reading its YAML (libyaml, with our line map), checking the data against the file's record
model (pydantic) and giving every record its source (``provenance.attach_sources``).  What that gives depends
on the file's bytes, its path and our code only, so it is kept in the content cache (``generator/cache.py``)
under the file's project-relative path, its model and the SHA-256 of its bytes, one entry per town folder
(the town's and its communities' files), keyed by the package's version (code and libraries,
``cache.package_version``): an edit to one file loads that file again and rewrites its town's entry, nothing
else.  Only a file that loaded without an error is kept: a file with errors is read, and its errors worded,
every time.  (Before, the entry held the parse only and every record was checked again: at 2,000
communities ~9 s of the ~11.5 s load, ``docs/benchmarks.md``.)

An entry holds, per file, the record, its document and its entries' content hashes (``records/digests.py``:
what the site's manifest names them by, so that they are not worked out again) as ``pickle`` bytes: the
records are pydantic models whose fields were checked when the file was loaded; unpickling sets their fields
as they were, and runs no code but what the bytes name, so the reader names only the record classes, their
sources' two classes and ``datetime.date`` (anything else is refused, as a damaged entry is, and the file is
loaded again).  The
document is kept without its line map (the larger part of it): it holds the file's bytes compressed, as
every loaded document does once the build is done with line numbers (``YamlDoc.release_lines``), and a line
asked for (an error found later, the evidence of a community scored again) reads them again.
``DANGJIAN_NO_CACHE`` turns this off like the rest of the cache; a damaged entry is ignored and written again.
"""

from __future__ import annotations

import copyreg
import datetime as dt
import hashlib
import io
import json
import pickle
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel

from generator.cache import cache_key, package_version, read_entry, write_entry
from generator.records.digests import content_hash, entries, remember
from generator.records.provenance import Record, Source
from generator.records.yamlio import YamlDoc

KIND = "records"
FORMAT = 2  # 1: the parsed data and line map as JSON, checked again on every load
PROTOCOL = 5
M = TypeVar("M", bound=BaseModel)
Loaded = tuple[BaseModel, YamlDoc]


def model_name(model: type[BaseModel]) -> str:
    return f"{model.__module__}.{model.__qualname__}"


def _record_classes() -> dict[tuple[str, str], type[Any]]:
    out: dict[tuple[str, str], type[Any]] = {}
    todo: list[type[Any]] = [Record]
    while todo:
        cls = todo.pop()
        out[(cls.__module__, cls.__qualname__)] = cls
        todo.extend(cls.__subclasses__())
    return out


def _lineless(doc: YamlDoc) -> tuple[Any, ...]:
    """A document as kept: its path and compressed bytes; the line map is read again from them if asked for."""
    if doc.packed is None:
        raise pickle.PicklingError("a document without its bytes cannot drop its line map")
    return YamlDoc, (doc.path, None, {}, doc.packed, True)


class _Writer(pickle.Pickler):
    dispatch_table: ClassVar[dict[type, Any]] = {**copyreg.dispatch_table, YamlDoc: _lineless}


class _Reader(pickle.Unpickler):
    allowed: ClassVar[dict[tuple[str, str], type[Any]] | None] = None

    def find_class(self, module: str, name: str) -> Any:
        if _Reader.allowed is None:  # every record class is defined once the schema is imported
            _Reader.allowed = {**_record_classes(), **{(c.__module__, c.__qualname__): c
                                                       for c in (Source, YamlDoc, dt.date)}}
        found = _Reader.allowed.get((module, name))
        if found is None:
            raise pickle.UnpicklingError(f"{module}.{name} is not part of a record")
        return found


def encode(record: BaseModel, doc: YamlDoc) -> bytes | None:
    """A loaded file's record and document as kept, with its entries' content hashes (None: it cannot be)."""
    out = io.BytesIO()
    try:
        _Writer(out, PROTOCOL).dump((record, doc, [content_hash(e) for e in entries(record)]))
    except (pickle.PicklingError, TypeError, AttributeError):
        return None
    return out.getvalue()


def decode(blob: bytes, rel: str, model: type[M]) -> tuple[M, YamlDoc]:
    """What :func:`encode` kept of the file at ``rel`` loaded as ``model``; ``ValueError`` if the bytes are not that."""
    try:
        loaded = _Reader(io.BytesIO(blob)).load()
    except Exception as exc:  # bytes the cache's checksum let through but that are not a record: any error
        raise ValueError(f"not a stored record: {exc}") from exc
    if not (type(loaded) is tuple and len(loaded) == 3):
        raise ValueError("not a record, its document and its entries' hashes")
    record, doc, hashes = loaded
    if type(record) is not model or type(doc) is not YamlDoc or doc.path != rel or doc.packed is None:
        raise ValueError("not this file's record")
    listed = list(entries(record))
    if type(hashes) is not list or len(hashes) != len(listed) or not all(type(h) is str for h in hashes):
        raise ValueError("not this record's hashes")
    for entry, digest in zip(listed, hashes, strict=True):
        remember(entry, digest)
    return record, doc


class TownStore:
    """The kept records of one town folder, for one load: found by path, model and SHA-256 of the bytes."""

    def __init__(self, folder: Path | None, town: str) -> None:
        version = package_version()
        self.folder = folder if version is not None else None  # no version: what the code made cannot be told
        self.key = cache_key(KIND, FORMAT, version or "", town)
        self.kept: dict[tuple[str, str], tuple[bytes, bytes]] = {}  # (path, model) -> (digest, blob)
        self.used: dict[tuple[str, str], tuple[bytes, bytes]] = {}  # what this load read or made: the next entry
        blobs = read_entry(self.folder, KIND, self.key)
        if blobs:
            try:
                index = [(str(rel), str(name), bytes.fromhex(d)) for rel, name, d in json.loads(blobs[0])]
            except (ValueError, TypeError):
                index = []
            if len(index) == len(blobs) - 1:
                self.kept = {(rel, name): (d, blob) for (rel, name, d), blob in zip(index, blobs[1:], strict=True)}

    def get(self, rel: str, model: type[M], raw: bytes) -> tuple[bytes, tuple[M, YamlDoc] | None]:
        """The digest of ``raw`` and the record and document loading it gave before (None: not kept)."""
        digest = hashlib.sha256(raw).digest()
        key = (rel, model_name(model))
        hit = self.kept.get(key)
        if hit is None or hit[0] != digest:
            return digest, None
        try:
            loaded = decode(hit[1], rel, model)
        except ValueError:
            return digest, None
        self.used[key] = hit
        return digest, loaded

    def put(self, rel: str, model: type[BaseModel], digest: bytes, record: BaseModel, doc: YamlDoc) -> None:
        blob = encode(record, doc)
        if blob is not None:
            self.used[(rel, model_name(model))] = (digest, blob)

    def save(self) -> None:
        """Write the town's entry if this load used other files (or other bytes) than the entry holds."""
        if self.folder is None or _digests(self.used) == _digests(self.kept):
            return
        keys = sorted(self.used)
        index = [[rel, name, self.used[(rel, name)][0].hex()] for rel, name in keys]
        write_entry(self.folder, KIND, self.key,
                    [json.dumps(index, ensure_ascii=False).encode(), *(self.used[k][1] for k in keys)])


def _digests(entries: dict[tuple[str, str], tuple[bytes, bytes]]) -> dict[tuple[str, str], bytes]:
    return {key: digest for key, (digest, _blob) in entries.items()}
