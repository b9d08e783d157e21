"""Every record read from a file knows where it came from (``records.schema.attach_sources``): the walk that
gives the sources looks only into fields that may hold records, and misses none of them."""

from __future__ import annotations

import datetime as dt
from typing import Literal, Optional

from pydantic import BaseModel
from support import REPO

from generator.records.load import load_district
from generator.records.provenance import Record, _may_hold_model
from generator.records.schema import Brand, Publication
from generator.records.yamlio import PathKey


def _every_record(value: object, path: PathKey, out: list[tuple[Record, PathKey]]) -> None:
    """Every record inside ``value``, found by looking into every field (not only those the loader walks)."""
    if isinstance(value, Record):
        out.append((value, path))
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            _every_record(getattr(value, name), (*path, name), out)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _every_record(item, (*path, i), out)


def test_every_record_of_the_sample_has_its_own_source() -> None:
    district, log = load_district(REPO / "communities", REPO)
    assert district is not None and not log.errors
    found: list[tuple[Record, PathKey]] = []
    checked = 0
    for c in district.communities():
        for record in (c.profile, c.pledges, c.brands, c.activities, c.members, c.assessments):
            if record.origin is None:  # no such file: the record is made in code
                continue
            _every_record(record, (), found)
            for nested, path in found:
                assert nested.origin is not None and nested.origin.doc is record.origin.doc, path
                assert nested.origin.path == path
            checked += len(found)
            found.clear()
    assert checked > 1000


def test_only_fields_that_may_hold_a_record_are_walked() -> None:
    assert _may_hold_model(Publication) and _may_hold_model(Optional[Publication])  # noqa: UP045
    assert _may_hold_model(list[Brand]) and _may_hold_model(Publication | None) and _may_hold_model(dict[str, Brand])
    assert not _may_hold_model(str) and not _may_hold_model(dt.date | None) and not _may_hold_model(list[str])
    assert not _may_hold_model(Literal["draft", "approved"]) and not _may_hold_model(int)
