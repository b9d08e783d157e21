"""Stage 4: scoring against the rubric (考评细则), from the published view only.

How a period's score is computed
--------------------------------
A community is scored once per acceptance record (验收), for that record's
half-year period (``2026-H1``).  Assessed items take the inspection team's
marks of that record.  Computed items are evaluated on the facts in the
period's *assessment window*: the 12 months ending at the period's end
(考核年度), clipped to the start of the cycle the period belongs to and to the
build date.  Periods are never averaged, and a period outside every cycle is an
error.  Profile facts (secretary, committee, network …) are those of the
period's last day (``records.facts.profile_on``: the profile plus its dated
``changes``), so a later change never rewrites an earlier period; a period
frozen in ``communities/results/`` is then held to its file (``scoring.freeze``).

All arithmetic is exact (:class:`fractions.Fraction`); every score has at
most one decimal place, so the total is exactly the sum of the items.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING

from generator import urls
from generator.errors import ErrorLog
from generator.messages import Msg, msg
from generator.records.cycles import cycle_of_period
from generator.records.facts import profile_on
from generator.records.model import Community, District
from generator.records.schema import locate
from generator.records.yamlio import PathKey
from generator.scoring.marks import AcceptanceMarks, check_acceptance
from generator.scoring.rubric import Rubric, RubricRefinement, check_refinements, load_rubric, refined_rule
from generator.scoring.rules import EvalContext, Evidence, Fact, Window, evaluate
from generator.scoring.rules.compare import fmt_number
from generator.scoring.rules.district import Indicator, district_indicators
from generator.scoring.rules.metrics import compute

if TYPE_CHECKING:
    from generator.records.config import SiteConfig

BASIS_LABELS = {"computed": "计算", "assessed": "评定", "overridden": "改判"}


class Points(Fraction):
    """An exact score that prints as a decimal, so templates can show it as is: 179/2 -> "89.5"."""

    def __str__(self) -> str:
        return fmt_number(self)

    def __repr__(self) -> str:
        return f"Points({fmt_number(self)})"

    def __format__(self, spec: str) -> str:
        return format(float(self), spec) if spec else str(self)


@dataclass
class ItemResult:
    no: int
    category: int
    text: str
    score: Fraction
    max: Fraction
    basis: str  # computed | assessed | overridden
    explanation: str
    gap: str
    evidence: list[Evidence] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    refinement: RubricRefinement | None = None
    computed_score: Fraction | None = None  # the computed score an override replaced
    note: str = ""  # e.g. an inspector's mark that was not used

    @property
    def basis_label(self) -> str:
        return BASIS_LABELS[self.basis]


@dataclass(frozen=True)
class AppliedCorrection:
    """A frozen result changed through a ``corrections`` entry: the site shows both values and the reason."""

    original_total: Fraction
    original_grade: str
    original_rank_in_district: int
    date: dt.date
    reason: str
    approved_by: str
    document_no: str | None
    file: str  # communities/results/<period>.yml
    line: int


@dataclass
class CategoryResult:
    no: int
    name: str
    score: Fraction
    max: Fraction


@dataclass
class CommunityResult:
    community: str  # "<town-id>/<community-id>"
    name: str
    town_id: str
    town: str
    period: str
    window: Window
    acceptance_date: str
    team: str
    items: list[ItemResult]
    categories: list[CategoryResult]
    total: Fraction
    grade: str
    rank_in_town: int = 0
    rank_in_district: int = 0
    n_in_town: int = 0  # communities ranked in the same period
    n_in_district: int = 0
    previous: CommunityResult | None = None
    frozen_on: dt.date | None = None  # set when communities/results/<period>.yml holds this result
    correction: AppliedCorrection | None = None  # a dated, reasoned change to the frozen result

    @property
    def trend(self) -> Fraction | None:
        return None if self.previous is None else Points(self.total - self.previous.total)

    @property
    def url(self) -> str:
        town, community = self.community.split("/")
        return urls.community_score(town, community)

    @property
    def period_url(self) -> str:
        """This period's permanent score page."""
        town, community = self.community.split("/")
        return urls.period_score(town, community, self.period)


@dataclass
class Scores:
    """``results``: the latest result per community; ``history``: every period's result."""

    results: list[CommunityResult] = field(default_factory=list)
    history: list[CommunityResult] = field(default_factory=list)
    rubric: Rubric | None = None
    indicators: list[Indicator] = field(default_factory=list)
    refinements: list[RubricRefinement] = field(default_factory=list)

    # ``for_community``'s index: built on first use, again when ``history`` is another list or has grown
    # (results are changed in place, by freezing, but never replaced or removed from the list).
    _index: dict[str, list[CommunityResult]] = field(default_factory=dict, init=False, repr=False, compare=False)
    _indexed: tuple[list[CommunityResult], int] | None = field(default=None, init=False, repr=False, compare=False)

    def for_community(self, key: str) -> list[CommunityResult]:
        """Every period of one community, newest first."""
        if self._indexed is None or self._indexed[0] is not self.history or self._indexed[1] != len(self.history):
            index: dict[str, list[CommunityResult]] = {}
            for r in self.history:
                index.setdefault(r.community, []).append(r)
            self._index = {k: sorted(rows, key=lambda r: r.period, reverse=True) for k, rows in index.items()}
            self._indexed = (self.history, len(self.history))
        return list(self._index.get(key, ()))

    @property
    def periods(self) -> list[str]:
        return sorted({r.period for r in self.history}, reverse=True)

    def in_period(self, period: str, town_id: str | None = None) -> list[CommunityResult]:
        rows = [r for r in self.history if r.period == period and (town_id is None or r.town_id == town_id)]
        return sorted(rows, key=lambda r: (r.rank_in_district, r.community))


Scored = tuple[list["CommunityResult"], ErrorLog]
"""One community's results, period by period, before ranking, and what checking its acceptance records found."""


def score_district(district: District, config: SiteConfig, refinements: list[RubricRefinement],
                   as_of: dt.date, known: dict[str, Scored] | None = None) -> tuple[Scores, ErrorLog]:
    """Score every published community's acceptance records as of ``as_of``.

    ``known`` (``dangjian serve``) holds each community's :data:`Scored` by key: a community found there is
    not scored again (its results are copied, so ranking and freezing never change the kept ones), one
    missing is scored and added.  The caller removes the communities whose records, town, configuration
    or refinements may have changed; the scores are the same as without it.
    """
    rubric, log = load_rubric()
    if rubric is None:
        return Scores(), log
    _check_refinements(district, config, rubric, refinements, log)
    by_item = {(r.town, r.item): r for r in refinements}
    history: list[CommunityResult] = []
    for town in district.towns:
        for c in town.communities:
            scored = known.get(c.key) if known is not None else None
            if scored is None:
                own = ErrorLog()
                scored = ([score_period(c, town.name, acc, rubric, config, as_of, by_item)
                           for acc in check_acceptance(c, rubric, as_of, own)], own)
                if known is not None:
                    known[c.key] = scored
            log.extend(scored[1])
            history += [_copy(r) for r in scored[0]]
    rank(history)
    link_trends(history)
    latest: dict[str, CommunityResult] = {}
    for r in sorted(history, key=lambda r: r.period):
        latest[r.community] = r
    results = sorted(latest.values(), key=lambda r: (r.town_id, -r.total, r.community))
    today = [dataclasses.replace(c, profile=profile_on(c.profile, as_of)) for c in district.communities()]
    scores = Scores(results, history, rubric, district_indicators(today, as_of), refinements)
    check_commendations(district, scores, config.excellence_line, log)
    return scores, log


def _copy(r: CommunityResult) -> CommunityResult:
    """A result that ranking, trends and freezing may change (they set its attributes) without changing ``r``.

    The items are shared, not copied: once scored, an item is never changed (freezing replaces it), so a
    kept community's items stay the same objects from one ``dangjian serve`` run to the next."""
    return dataclasses.replace(r, items=list(r.items))


def score_period(c: Community, town_name: str, acc: AcceptanceMarks, rubric: Rubric, config: SiteConfig,
                 as_of: dt.date, refinements: dict[tuple[str, int], RubricRefinement]) -> CommunityResult:
    cycle = cycle_of_period(c.profile.cycles, acc.record.period)
    assert cycle is not None  # check_acceptance refuses periods outside every cycle
    window = Window.for_period(acc.record.period, cycle.start, as_of)
    c = dataclasses.replace(c, profile=profile_on(c.profile, window.period_end))  # the facts of the period's last day
    ctx = EvalContext(c, window)
    items: list[ItemResult] = []
    for cat in rubric.categories:
        for item in cat.items:
            ref = refinements.get((c.town_id, item.no))
            given = acc.marks.get(item.no)
            outcome = evaluate(refined_rule(item, ref), ctx, item.max, given)
            extra = [compute(e.metric, ctx, e.activity_types, e.label) for e in (ref.evidence if ref else [])]
            res = ItemResult(item.no, cat.no, item.text, Points(outcome.score), Points(item.max), item.basis,
                             outcome.explanation, outcome.gap,
                             outcome.evidence + [e for f in extra for e in f.evidence], outcome.facts + extra, ref)
            if not item.assessed and given is not None:  # an override with a written reason
                res.computed_score, res.score, res.basis = Points(outcome.score), Points(given.score), "overridden"
                res.explanation = (f"计算结果{fmt_number(outcome.score)}分({outcome.explanation});验收组改为"
                                   f"{fmt_number(given.score)}分,理由:{given.override_reason}")
                res.gap = "" if given.score >= item.max else (outcome.gap or "见验收组改判理由")
            elif item.no in acc.ignored:
                res.note = f"验收组对本项的评分({fmt_number(acc.ignored[item.no].score)}分)未附书面理由,未采用"
            items.append(res)
    categories = [CategoryResult(cat.no, cat.name, Points(sum((i.score for i in items if i.category == cat.no),
                                                               Fraction(0))), Points(cat.max))
                  for cat in rubric.categories]
    total = Points(sum((i.score for i in items), Fraction(0)))
    return CommunityResult(c.key, c.name, c.town_id, town_name, acc.record.period, window,
                           acc.record.date.isoformat(), acc.record.team, items, categories, total,
                           config.grade_for(float(total)))


def competition_ranks(totals: list[Fraction]) -> list[int]:
    """Standard competition ranking, ties shared: 95, 95, 90 -> 1, 1, 3 (a total's rank is one more than the
    number of higher totals: its first place in the descending order)."""
    first: dict[Fraction, int] = {}
    for place, t in enumerate(sorted(totals, reverse=True), start=1):
        first.setdefault(t, place)
    return [first[t] for t in totals]


def rank(history: list[CommunityResult]) -> None:
    """Rank within the district and within the town, per period."""
    groups: dict[tuple[str, str | None], list[CommunityResult]] = defaultdict(list)
    for r in history:
        groups[(r.period, None)].append(r)
        groups[(r.period, r.town_id)].append(r)
    for (_period, town), rows in groups.items():
        for r, place in zip(rows, competition_ranks([r.total for r in rows]), strict=True):
            if town is None:
                r.rank_in_district, r.n_in_district = place, len(rows)
            else:
                r.rank_in_town, r.n_in_town = place, len(rows)


def link_trends(history: list[CommunityResult]) -> None:
    """Trend against the community's previous scored period, across cycles (a new cycle continues the line)."""
    by_key: dict[str, list[CommunityResult]] = defaultdict(list)
    for r in history:
        by_key[r.community].append(r)
    for rows in by_key.values():
        rows.sort(key=lambda r: r.period)
        for prev, cur in itertools.pairwise(rows):
            cur.previous = prev


def _check_refinements(district: District, config: SiteConfig, rubric: Rubric,
                       refinements: list[RubricRefinement], log: ErrorLog) -> None:
    if not refinements:
        return
    found: list[tuple[PathKey, str, Msg]] = []
    check_refinements(rubric, refinements, {t.id for t in district.towns},
                      lambda path, field_, message: found.append((path, field_, message)))
    if not found:
        return
    for path, field_, message in found:
        log.add(config.source_path, config.line(path), field_, message)


def check_commendations(district: District, scores: Scores, line_: float, log: ErrorLog) -> None:
    """Warn when a commended community's score is below the excellence line (an error with --strict).

    A published commendation names published communities only (``publish.check_recipients``), so its
    list is the list as written and each key is located at its own line.
    """
    excellence = Fraction(str(line_))
    for cm in district.info.commendations:
        for j, key in enumerate(cm.communities):
            where, line, field_ = locate(cm, "communities/district.yml", "communities", j)
            rows = scores.for_community(key)
            before = [r for r in rows if r.acceptance_date <= cm.date.isoformat()] or rows
            if not before:
                log.warn(where, line, field_, msg("score.commended_no_score", community=key))
            elif before[0].total < excellence:
                r = before[0]
                log.warn(where, line, field_, msg("score.commended_below_line", community=key,
                                                  score=fmt_number(r.total), period=r.period,
                                                  line=fmt_number(excellence)))
