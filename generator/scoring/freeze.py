"""Frozen results: write a period's published results once, then hold every later build to them.

``dangjian freeze 2025-H2`` writes ``communities/results/2025-H2.yml`` (see
``records/frozen.py``).  On every build :func:`apply_frozen` compares the fresh
recomputation of each frozen period with the file:

* equal numbers (total, grade, ranks, every item's score): the result is
  published with the file's explanations and evidence, word for word;
* different, and a ``corrections`` entry for that community accepts the new
  total: the new result is published with the correction (original value,
  date, reason, approver) on the score page, the ranking, the open data and the feed;
* different without a correction: a located error naming both values, and
  nothing is built.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from fractions import Fraction
from typing import Any

import yaml

from generator.errors import ErrorLog
from generator.messages import Msg, msg, t
from generator.records.frozen import Correction, FrozenPeriod, FrozenResult
from generator.records.model import District
from generator.records.periods import period_label
from generator.records.schema import locate
from generator.scoring.rubric import RUBRIC_FILE, RubricRefinement
from generator.scoring.rules import Evidence
from generator.scoring.rules.compare import fmt_number
from generator.scoring.score import AppliedCorrection, CommunityResult, Scores

HEADER = """\
# {label}考评结果 — 已冻结({frozen_on}由 dangjian freeze 写入)。
# 已公开的考评结果是历史记录: 不要修改 results。若结果确需改变, 在 corrections 中写明
# 日期、理由、批准单位(和文号)以及更正后的总分, 网站会同时公示原结果、更正后的结果和理由。
"""


def rubric_digest(refinements: list[RubricRefinement]) -> str:
    """sha256 of the rubric data and the town refinements a result was computed with."""
    h = hashlib.sha256(RUBRIC_FILE.read_bytes())
    h.update(json.dumps([dataclasses.asdict(r) if dataclasses.is_dataclass(r) else repr(r) for r in refinements],
                        sort_keys=True, ensure_ascii=False, default=str).encode("utf-8"))
    return h.hexdigest()


def _score(value: Fraction) -> str:
    return fmt_number(value)


def frozen_form(r: CommunityResult) -> dict[str, Any]:
    """What the results file keeps of one community's result."""
    return {
        "community": r.community, "name": r.name, "town_id": r.town_id, "total": _score(r.total), "grade": r.grade,
        "rank_in_town": r.rank_in_town, "n_in_town": r.n_in_town,
        "rank_in_district": r.rank_in_district, "n_in_district": r.n_in_district,
        "acceptance": {"date": r.acceptance_date, "team": r.team},
        "categories": [{"no": c.no, "score": _score(c.score)} for c in r.categories],
        "items": [{"no": i.no, "score": _score(i.score), "basis": i.basis, "explanation": i.explanation,
                   "gap": i.gap, "evidence": [{"label": e.label, "value": e.value, "source": e.source, "line": e.line,
                                               "url": e.url} for e in i.evidence]} for i in r.items],
    }


def freeze_text(period: str, results: list[CommunityResult], frozen_on: dt.date, digest: str) -> str:
    data = {"period": period, "frozen_on": frozen_on, "rubric_sha256": digest,
            "results": [frozen_form(r) for r in sorted(results, key=lambda r: (r.rank_in_district, r.community))],
            "corrections": []}
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
    return HEADER.format(label=period_label(period), frozen_on=frozen_on.isoformat()) + body


def _differences(frozen: FrozenResult, r: CommunityResult) -> list[Msg]:
    """What changed, in the words the site uses ("总分 95.5 → 97", "第2项 3 → 6")."""
    out = []
    if frozen.total != _score(r.total):
        out.append(msg("freeze.change.total", old=frozen.total, new=_score(r.total)))
    if frozen.grade != r.grade:
        out.append(msg("freeze.change.grade", old=frozen.grade, new=r.grade))
    if (frozen.rank_in_district, frozen.n_in_district) != (r.rank_in_district, r.n_in_district):
        out.append(msg("freeze.change.district_rank", old=f"{frozen.rank_in_district}/{frozen.n_in_district}",
                       new=f"{r.rank_in_district}/{r.n_in_district}"))
    if (frozen.rank_in_town, frozen.n_in_town) != (r.rank_in_town, r.n_in_town):
        out.append(msg("freeze.change.town_rank", old=f"{frozen.rank_in_town}/{frozen.n_in_town}",
                       new=f"{r.rank_in_town}/{r.n_in_town}"))
    now = {i.no: _score(i.score) for i in r.items}
    for item in frozen.items:
        if now.get(item.no) != item.score:
            new = now.get(item.no)
            out.append(msg("freeze.change.item", no=item.no, old=item.score,
                           new=msg("freeze.change.none") if new is None else new))
    return out


def _verbatim(r: CommunityResult, frozen: FrozenResult, on: dt.date) -> None:
    """Publish the file's words: explanations and evidence as frozen."""
    words = {i.no: i for i in frozen.items}
    r.items = [item if (kept := words.get(item.no)) is None else dataclasses.replace(
        item, explanation=kept.explanation, gap=kept.gap,
        evidence=[Evidence(e.label, e.value, e.source, e.line, e.url) for e in kept.evidence]) for item in r.items]
    r.frozen_on = on


def _corrected(r: CommunityResult, frozen: FrozenResult, c: Correction, fallback: str) -> None:
    file, line, _field = locate(c, fallback)
    r.correction = AppliedCorrection(Fraction(frozen.total), frozen.grade, frozen.rank_in_district, c.date, c.reason,
                                     c.approved_by, c.document_no, file, line)


def apply_frozen(district: District, scores: Scores, log: ErrorLog) -> None:
    """Hold every frozen period's recomputation to its file (see the module docstring)."""
    for fp in district.frozen:
        fallback = f"communities/results/{fp.period}.yml"
        fresh = {r.community: r for r in scores.history if r.period == fp.period}
        used: set[int] = set()
        for frozen in fp.results:
            where = locate(frozen, fallback, "total")
            r = fresh.pop(frozen.community, None)
            if r is None:
                log.add(*where, msg("freeze.result_missing", period=fp.period, name=frozen.name,
                                    community=frozen.community))
                continue
            changes = _differences(frozen, r)
            if not changes:
                _verbatim(r, frozen, fp.frozen_on)
                continue
            fix = _correction_for(fp, frozen.community, _score(r.total))
            if fix is not None:
                used.add(fix[0])
                _corrected(r, frozen, fix[1], fallback)
                r.frozen_on = fp.frozen_on
                continue
            log.add(*where, msg("freeze.result_changed", period=fp.period, name=frozen.name, frozen=frozen.total,
                                now=_score(r.total), file=fallback,
                                changes=t("freeze.change_separator").join(str(c) for c in changes)))
        for key, r in fresh.items():
            log.add(fallback, 0, "results",
                    msg("freeze.result_not_frozen", name=r.name, community=key, period=fp.period))
        for k, c in enumerate(fp.corrections):
            if k not in used:
                log.warn(*locate(c, fallback, "total"),
                         msg("freeze.unused_correction", community=c.community, total=c.total))


def _correction_for(fp: FrozenPeriod, key: str, total: str) -> tuple[int, Correction] | None:
    """The latest correction of ``key`` that accepts ``total``."""
    matches = [(k, c) for k, c in enumerate(fp.corrections) if c.community == key and c.total == total]
    return max(matches, key=lambda kc: kc[1].date) if matches else None
