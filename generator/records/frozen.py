"""Frozen acceptance results: ``communities/results/<period>.yml``, written by ``dangjian freeze``.

Once a period's results are approved and published they are history: the file
keeps every community's total, grade, ranks and item scores with their
explanations and evidence, plus a hash of the rubric data used.  Later builds
publish it verbatim and compare it with a fresh recomputation; a difference is
an error unless a ``corrections`` entry (dated, reasoned, approved) accepts the
new value, and the site then shows both values and the reason.

Staff never edit ``results``; they only add ``corrections``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

from pydantic import Field, StringConstraints

from generator.errors import ErrorLog
from generator.messages import msg
from generator.records.schema import Period, Record, Text

RESULTS_DIR = "results"  # under communities/: not a town
Score = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,3}(\.[0-9])?$")]  # exact, as shown: "95.5"
Key = Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+/[a-z0-9-]+$")]
Plain = Annotated[str, StringConstraints(max_length=20000)]


class FrozenEvidence(Record):
    label: Plain
    value: Plain
    source: Plain
    line: int
    url: Plain


class FrozenItem(Record):
    no: int
    score: Score
    basis: Plain
    explanation: Plain
    gap: Plain = ""
    evidence: list[FrozenEvidence] = Field(default_factory=list)


class FrozenCategory(Record):
    no: int
    score: Score


class FrozenAcceptance(Record):
    date: Plain
    team: Plain


class FrozenResult(Record):
    community: Key
    name: Plain
    town_id: Plain
    total: Score
    grade: Plain
    rank_in_town: int
    n_in_town: int
    rank_in_district: int
    n_in_district: int
    acceptance: FrozenAcceptance
    categories: list[FrozenCategory] = Field(default_factory=list)
    items: list[FrozenItem] = Field(default_factory=list)


class Correction(Record):
    """更正: accepts a recomputed result that differs from the frozen one."""

    community: Key = Field(description="<town-id>/<community-id>")
    date: dt.date = Field(description="更正日期")
    reason: Text = Field(description="更正理由 (在网站上公示)")
    approved_by: Text = Field(description="批准单位")
    document_no: Text | None = Field(None, description="文号")
    total: Score = Field(description="更正后的总分 (须与重新计算的结果一致)")


class FrozenPeriod(Record):
    period: Period
    frozen_on: dt.date
    rubric_sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    results: list[FrozenResult] = Field(default_factory=list)
    corrections: list[Correction] = Field(default_factory=list)


def results_folder(communities: Path) -> Path:
    return communities / RESULTS_DIR


def check_file_name(frozen: FrozenPeriod, rel: str, log: ErrorLog) -> None:
    if Path(rel).stem != frozen.period:
        log.add(rel, 0, "period", msg("frozen.file_name", name=Path(rel).name, period=frozen.period))
