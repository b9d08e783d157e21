"""The half-year report (六项机制推进和落实情况): its data model, computed from what the site shows.

The policy asks each town to report "每半年向区委组织部上报1次六项机制推进和落实情况": per
mechanism what each community did in the half-year, the rubric items at risk, the district
indicators against their targets, and the gaps.  A district report aggregates the towns.

Where it lives: this model is a view model like ``views.py``, so it sits in the pages layer and
the site can publish a report as a page (``halfyear_page.py``); its wording is ``halfyear_outline.py``.
The Word writer (``generator/reports/docx_report.py``) and the ``dangjian report`` command
(``generator/commands/report.py``) sit above and only print this model.

Every number is the site's own: pledges and their status are the cycle page's (``site_views``,
as of the build date, like every tracker), secretary facts the board's, scores the score pages'
(the period's own result, else the latest one before it), district indicators the ranking page's
(``scores.indicators``) and a town's the same rule over its communities.  Activities, meetings,
trainings, surveys, brand checks and promotion records are counted inside the period, up to the
build date.  No threshold is written here: targets come with the indicators and the rubric.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import TYPE_CHECKING, Literal

from generator.pages.status import STATUSES
from generator.pages.views import CommunityView, PledgeView, counts, site_views
from generator.records.cycles import cycle_of_period
from generator.records.model import Town
from generator.records.periods import period_bounds, period_label
from generator.records.schema import (
    MECHANISMS,
    Activity,
    MechanismProgress,
    MemberCounts,
    Report,
    Training,
)
from generator.scoring.rules.compare import needed
from generator.scoring.rules.district import Indicator, district_indicators
from generator.scoring.rules.spec import exact
from generator.scoring.score import CommunityResult, ItemResult

if TYPE_CHECKING:
    from generator.context import SiteContext
    from generator.scoring.rubric import Rubric

# Which mechanism an activity type serves: the rubric's own use of each type (items 14-16 -> 4,
# 18 -> 5, 21 -> 6; checked by tests against generator/data/rubric.yml), the rest as the policy text
# names them (mechanism 4 lists 在职党员进社区 and the three 在社区 campaigns; 现场观摩 promotes brands).
MECHANISM_ACTIVITIES: dict[str, tuple[str, ...]] = {
    MECHANISMS[0]: (),
    MECHANISMS[1]: (),
    MECHANISMS[2]: ("现场观摩",),
    MECHANISMS[3]: ("集中服务", "在职党员进社区", "特色党员活动日", "服务在社区", "温暖在社区", "奉献在社区",
                    "党员责任区", "党员为民服务日", "公益活动", "结对帮扶", "走访慰问"),
    MECHANISMS[4]: ("三会一课", "民主生活会", "民主评议", "学习教育"),
    MECHANISMS[5]: ("协调会",),
}
MEETING_TYPES = ("三会一课", "民主生活会", "民主评议", "协调会")  # 组织生活会议 and the "1+3" coordination meeting


@dataclass(frozen=True)
class ReportPeriod:
    id: str  # 2026-H1
    as_of: dt.date

    @property
    def start(self) -> dt.date:
        return period_bounds(self.id)[0]

    @property
    def end(self) -> dt.date:
        return period_bounds(self.id)[1]

    @property
    def until(self) -> dt.date:
        """The last day counted: the period's end, or the build date while the period runs."""
        return min(self.end, self.as_of)

    @property
    def ended(self) -> bool:
        return self.end < self.as_of

    @property
    def label(self) -> str:
        return period_label(self.id)

    def holds(self, day: dt.date) -> bool:
        return self.start <= day <= self.until


@dataclass(frozen=True)
class Ratio:
    """A share shown as a percentage with its counts; sums add up across communities."""

    numerator: int
    denominator: int

    def __add__(self, other: Ratio) -> Ratio:
        return Ratio(self.numerator + other.numerator, self.denominator + other.denominator)

    @property
    def value(self) -> Fraction | None:
        return Fraction(self.numerator, self.denominator) if self.denominator else None


Value = int | Fraction | bool | Ratio | None  # one figure of a table


@dataclass(frozen=True)
class Gap:
    """One shortfall of a community: a rubric item losing points, an overdue pledge, no report, no activity."""

    kind: Literal["item", "overdue", "no_report", "idle"]
    mechanism: str | None = None
    item: ItemResult | None = None
    pledge: PledgeView | None = None


@dataclass(frozen=True)
class CommunityHalfYear:
    view: CommunityView
    period: ReportPeriod
    activities: tuple[Activity, ...]  # published, dated in the period
    trainings: tuple[Training, ...]  # collective trainings that started in the period
    pledges: tuple[PledgeView, ...]  # the pledges of the period's cycle, status as of the build date
    report: Report | None  # the community's own published half-year report for the period
    result: CommunityResult | None  # the period's score, else the latest scored period before it
    satisfaction: Ratio  # surveys in the period: satisfied / respondents
    brand_checks: int  # brand plan / mid-year check / year-end acceptance entries dated in the period
    mentions: int  # briefings, media, site visits, adoptions dated in the period
    members: MemberCounts | None  # the latest member counts up to the period

    @property
    def name(self) -> str:
        return self.view.community.name

    @property
    def key(self) -> str:
        return self.view.community.key

    def activity_count(self, mechanism: str) -> int:
        types = MECHANISM_ACTIVITIES[mechanism]
        return sum(1 for a in self.activities if a.type in types)

    def of_mechanism(self, mechanism: str) -> tuple[Activity, ...]:
        return tuple(a for a in self.activities if a.type in MECHANISM_ACTIVITIES[mechanism])

    @property
    def meetings(self) -> int:
        return sum(1 for a in self.activities if a.type in MEETING_TYPES)

    @property
    def training_days(self) -> Fraction:
        return sum((exact(t.days) for t in self.trainings), Fraction(0))

    @property
    def status_counts(self) -> dict[str, int]:
        return counts(self.pledges)

    @property
    def done_in_period(self) -> int:
        return sum(1 for p in self.pledges if p.completed_on is not None and self.period.holds(p.completed_on))

    @property
    def overdue(self) -> tuple[PledgeView, ...]:
        return tuple(p for p in self.pledges if p.status.label == STATUSES[0])

    @property
    def model_brands(self) -> int:
        return sum(1 for b in self.view.brands if b.is_model)

    @property
    def participation(self) -> Ratio:
        m = self.members
        return Ratio(m.participating, m.relation_in_community) if m else Ratio(0, 0)

    def progress(self, mechanism: str) -> MechanismProgress | None:
        found = [m for m in self.report.mechanisms if m.mechanism == mechanism] if self.report else []
        return found[0] if found else None

    @cached_property
    def at_risk(self) -> tuple[ItemResult, ...]:
        """Rubric items on which the community loses points (its score is below the item's weight)."""
        return tuple(i for i in self.result.items if i.score < i.max) if self.result else ()

    @cached_property
    def lost(self) -> Fraction:
        return sum((i.max - i.score for i in self.at_risk), Fraction(0))

    def gaps(self, categories: dict[int, str]) -> list[Gap]:
        out = [Gap("item", categories.get(i.category), item=i) for i in self.at_risk]
        out += [Gap("overdue", MECHANISMS[1], pledge=p) for p in self.overdue]
        if self.report is None:
            out.append(Gap("no_report"))
        out += [Gap("idle", m) for m, types in MECHANISM_ACTIVITIES.items()
                if types and m != MECHANISMS[2] and not self.activity_count(m)]
        return out


@dataclass(frozen=True)
class IndicatorRow:
    """A district indicator over one scope (a town, or the district) against its target."""

    indicator: Indicator

    @property
    def shortfall(self) -> int | None:
        """How many more (secretaries, members …) the scope needs to meet a ratio target; None when met."""
        i = self.indicator
        if i.met or i.kind == "requirement":
            return None
        want = needed(i.comparator, i.target, i.denominator)
        return None if want is None else want - i.numerator


@dataclass(frozen=True)
class TownHalfYear:
    town: Town
    communities: tuple[CommunityHalfYear, ...]
    indicators: tuple[IndicatorRow, ...]

    @property
    def name(self) -> str:
        return self.town.name


@dataclass(frozen=True)
class ItemRisk:
    """A rubric item and the communities losing points on it."""

    no: int
    category: int
    text: str
    max: Fraction
    losing: tuple[tuple[CommunityHalfYear, ItemResult], ...]

    @property
    def lost(self) -> Fraction:
        return sum((self.max - r.score for _, r in self.losing), Fraction(0))


@dataclass(frozen=True)
class HalfYearReport:
    """A town's report (one town) or the district's (every town with published communities)."""

    scope: Literal["town", "district"]
    period: ReportPeriod
    district_name: str
    department: str
    site_name: str
    towns: tuple[TownHalfYear, ...]
    indicators: tuple[IndicatorRow, ...]  # over the scope: the town's, or the district's (the ranking page's)
    district_indicators: tuple[IndicatorRow, ...]  # the district's, for comparison
    rubric: Rubric | None

    @property
    def communities(self) -> tuple[CommunityHalfYear, ...]:
        return tuple(c for t in self.towns for c in t.communities)

    @property
    def name(self) -> str:
        return self.towns[0].name if self.scope == "town" else self.district_name

    @property
    def categories(self) -> dict[int, str]:
        return {c.no: c.name for c in self.rubric.categories} if self.rubric else dict(enumerate(MECHANISMS, 1))

    @property
    def mechanisms(self) -> list[str]:
        return list(self.categories.values())

    def risks(self, communities: tuple[CommunityHalfYear, ...] | None = None) -> list[ItemRisk]:
        """Rubric items on which any community loses points, in rubric order."""
        pool = self.communities if communities is None else communities
        items = self.rubric.items if self.rubric else []
        by_item: dict[int, list[tuple[CommunityHalfYear, ItemResult]]] = {}
        for c in pool:
            for r in c.at_risk:
                by_item.setdefault(r.no, []).append((c, r))
        out = []
        for item in items:
            losing = tuple(by_item.get(item.no, ()))
            if losing:
                out.append(ItemRisk(item.no, losing[0][1].category, item.text, item.max, losing))
        return out


def period_result(context: SiteContext, key: str, period: str) -> CommunityResult | None:
    """The period's scored result (its score page), else the latest scored period before it."""
    rows = context.scores.for_community(key) if context.scores else []
    return next((r for r in rows if r.period <= period), None)


def community_half_year(context: SiteContext, view: CommunityView, period: ReportPeriod) -> CommunityHalfYear:
    c = view.community
    cycle = cycle_of_period(c.profile.cycles, period.id)
    cycle_view = next((cv for cv in view.cycles if cv.cycle is cycle), None)
    surveys = [s for s in c.assessments.surveys if period.holds(s.date)]
    checks = sum(1 for b in view.brands for y in b.brand.years for e in (y.plan, y.midyear, y.yearend)
                 if e is not None and period.holds(e.date))
    mentions = sum(1 for b in view.brands for m in b.brand.mentions if period.holds(m.date))
    members = max((m for m in c.members.members if m.period <= period.id), key=lambda m: m.period, default=None)
    report = next((r for r in c.assessments.reports if r.period == period.id), None)
    return CommunityHalfYear(
        view, period,
        tuple(sorted((a for a in c.activities.activities if period.holds(a.date)), key=lambda a: a.date)),
        tuple(t for t in c.profile.cadres.trainings if period.holds(t.start)),
        cycle_view.pledges if cycle_view is not None else (),
        report, period_result(context, c.key, period.id),
        Ratio(sum(s.satisfied for s in surveys), sum(s.respondents for s in surveys)),
        checks, mentions, members)


def _indicators(views: list[CommunityView], as_of: dt.date) -> tuple[IndicatorRow, ...]:
    """The ranking page's indicator rule over some communities, with their facts on the build date."""
    today = [dataclasses.replace(v.community, profile=v.profile or v.community.profile) for v in views]
    return tuple(IndicatorRow(i) for i in district_indicators(today, as_of))


def half_year_report(context: SiteContext, period: str, town_id: str | None = None) -> HalfYearReport:
    """The report of ``town_id`` for ``period`` (``2026-H1``), or the district's when ``town_id`` is None.

    Raises ``KeyError`` for an unknown town; a town with no published community has no report.
    """
    views = site_views(context)
    when = ReportPeriod(period, context.as_of)
    towns = [t for t in context.district.towns if t.communities and (town_id is None or t.id == town_id)]
    if town_id is not None and not towns:
        raise KeyError(town_id)
    parts = []
    for t in towns:
        tv = [views.of(c) for c in t.communities]
        parts.append(TownHalfYear(t, tuple(community_half_year(context, v, when) for v in tv),
                                  _indicators(tv, context.as_of)))
    scores = context.scores
    district = tuple(IndicatorRow(i) for i in scores.indicators) if scores else ()
    info = context.district.info
    return HalfYearReport("town" if town_id else "district", when, info.name, info.department,
                          context.config.site.name, tuple(parts),
                          parts[0].indicators if town_id else district, district,
                          scores.rubric if scores else None)
