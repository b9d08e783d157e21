"""A record's content hash: what the site's manifest (``pages/manifest.py``) names each published record by.

The hash is the SHA-256 of the record's JSON (keys sorted), so two records with the same values have the same
hash, and it is worked out once per record object: it is remembered by the object (``id`` and a weak reference
to it), since records are never changed once loaded (publishing and as-of views copy them).  ``dangjian serve``
keeps the records of unchanged files from one run to the next (``records.load.ParseCache``), and a build takes
unchanged files' records from the content cache (``records.record_store``), which keeps the hashes of a file's
entries with them (:func:`entries`, :func:`remember`): a kept record keeps its hash.
"""

from __future__ import annotations

import hashlib
import json
import weakref
from collections.abc import Iterator

from pydantic import BaseModel

_HASHES: dict[int, tuple[weakref.ref[BaseModel], str]] = {}


def content_hash(model: BaseModel) -> str:
    kept = _HASHES.get(id(model))
    if kept is not None and kept[0]() is model:
        return kept[1]
    data = json.dumps(model.model_dump(mode="json"), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    digest = "sha256:" + hashlib.sha256(data.encode("utf-8")).hexdigest()
    remember(model, digest)
    return digest


def remember(model: BaseModel, digest: str) -> None:
    """``digest`` is ``model``'s content hash (worked out for an equal record before)."""
    key = id(model)
    _HASHES[key] = (weakref.ref(model, lambda _gone, key=key: _HASHES.pop(key, None)), digest)


def entries(record: BaseModel) -> Iterator[BaseModel]:
    """The records listed in a file's record (its pledges, activities, …), in field order: what the manifest
    hashes one by one (the file's own record is copied when it is published, its entries are not)."""
    for name in type(record).model_fields:
        value = getattr(record, name)
        if isinstance(value, list):
            yield from (item for item in value if isinstance(item, BaseModel))
