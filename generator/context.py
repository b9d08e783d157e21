"""The one object every page producer reads: the published records, their scores, the as-of date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import DataError
from generator.records.config import SiteConfig
from generator.records.history import FieldChange
from generator.records.model import District
from generator.records.publish import HeldBack
from generator.scoring.score import Scores


@dataclass(eq=False)  # identity: a build's views are cached per context
class SiteContext:
    """Everything a renderer may read. Built once per build, never mutated by renderers."""

    project: Path
    config: SiteConfig
    district: District  # the published view: drafts and internal records are gone
    as_of: dt.date
    held_back: list[HeldBack] = field(default_factory=list)
    scores: Scores | None = None
    warnings: list[DataError] = field(default_factory=list)
    previous_site: Path | None = None  # the site now published, for the "what changed" page
    # The previous version of the records from git (None when not a git checkout): manifest records and date.
    previous_records: dict[str, dict[str, str]] | None = None
    previous_day: dt.date | None = None
    history: dict[str, list[FieldChange]] = field(default_factory=dict)  # record id -> field changes, oldest first
