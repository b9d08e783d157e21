"""Profile facts as of a date: the profile as written plus its dated ``changes``.

Every fact the rubric reads from ``profile.yml`` (secretary, committee, cadres,
network, property management, liaison) is known *as of a day*: a change made
today (``changes: - since: 2026-03-01 …``) does not rewrite a period that ended
before it.  A period is scored with the facts of its last day; pages show the
facts of the build date.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ValidationError

from generator.errors import ErrorLog
from generator.messages import msg
from generator.records.messages import validation_errors
from generator.records.model import Community
from generator.records.schema import FactChange, ProfileFile

SECTIONS = ("secretary", "committee", "cadres", "network", "property", "liaison")


def _merged(section: BaseModel, change: dict[str, Any]) -> BaseModel:
    new = type(section).model_validate({**section.model_dump(), **change})
    new._source = getattr(section, "_source", None)  # type: ignore[attr-defined]  # lines of the profile as written
    return new


def _apply(profile: ProfileFile, change: FactChange) -> ProfileFile:
    update = {name: _merged(getattr(profile, name), part) for name in SECTIONS
              if (part := getattr(change, name)) is not None}
    return profile.model_copy(update=update) if update else profile


def profile_on(profile: ProfileFile, day: dt.date) -> ProfileFile:
    """The profile's facts on ``day`` (changes are validated by :func:`check_changes` first)."""
    for change in profile.changes:
        if change.since <= day:
            profile = _apply(profile, change)
    return profile


def check_changes(c: Community, log: ErrorLog) -> None:
    """Each change, applied in order, must give a valid profile; dates ascend."""
    doc = c.sources.docs.get("profile.yml")
    profile = c.profile
    previous: dt.date | None = None
    for k, change in enumerate(c.profile.changes):
        if previous is not None and change.since < previous:
            log.add(*c.sources.where("profile.yml", ("changes", k, "since")), f"changes[{k}].since",
                    msg("facts.changes_out_of_order", since=change.since, previous=previous))
        previous = change.since
        for name in SECTIONS:
            part = getattr(change, name)
            if part is None:
                continue
            section = getattr(profile, name)
            try:
                _merged(section, part)
            except ValidationError as exc:
                if doc is None:
                    log.add(*c.sources.where("profile.yml", ("changes", k, "since")), f"changes[{k}].{name}",
                            msg("facts.invalid_change", detail=str(exc)))
                else:
                    log.errors.extend(validation_errors(exc, doc, type(section), prefix=("changes", k, name)))
        try:
            profile = _apply(profile, change)
        except ValidationError:
            continue  # reported above
