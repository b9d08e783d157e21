"""The view layer: what the pages show about communities, pledges, brands and scores.

:func:`site_views` works everything out once per build (pledge status, brand
images, latest scores and member counts) and every producer reads the same
objects, so the tracker, the board, the big screen, the print sheet and the
feed can never disagree, and each brand image is opened once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from generator import urls
from generator.errors import DataError
from generator.pages.status import STATUSES, MilestoneState, PledgeStatus, StepStatus, pledge_status, step_status
from generator.records.cycles import CycleState, cycle_at, cycle_of_period, cycle_state
from generator.records.facts import profile_on
from generator.records.images import ImageProblem, WebImage, describe
from generator.records.model import Community, Town
from generator.records.schema import (
    Brand,
    Commendation,
    Cycle,
    Image,
    MemberCounts,
    Pledge,
    ProfileFile,
    Report,
    Step,
    locate,
)
from generator.scoring.score import CommunityResult

if TYPE_CHECKING:
    from generator.context import SiteContext

KINDS: tuple[tuple[str, str], ...] = (("org", "组织承诺"), ("member", "党员承诺"))
KIND_IDS = {label: kind_id for kind_id, label in KINDS}


@dataclass(frozen=True)
class PledgeView:
    """A published pledge with its status as of the build date."""

    pledge: Pledge
    status: PledgeStatus
    town: Town
    community: Community

    @property
    def anchor(self) -> str:
        return urls.pledge_anchor(self.pledge.id)

    @property
    def kind_id(self) -> str:
        return KIND_IDS[self.pledge.kind]

    @property
    def tracker(self) -> str:
        """Docs-relative directory URL of the community's tracker page."""
        return urls.community_pledges(self.community.town_id, self.community.id)

    @property
    def late(self) -> tuple[MilestoneState, ...]:
        return self.status.late

    @property
    def days_overdue(self) -> int:
        return self.status.days_overdue

    @property
    def completed_on(self) -> dt.date | None:
        return self.status.completed_on


@dataclass(frozen=True)
class BrandView:
    brand: Brand
    town: Town
    community: Community
    is_model: bool
    commendations: tuple[Commendation, ...]
    images: tuple[WebImage, ...]
    image_records: tuple[Image, ...] = ()  # the record behind each of ``images``, for located messages

    @property
    def url(self) -> str:
        return urls.brand(self.brand.id)

    @property
    def theme_id(self) -> str:
        return theme_id(self.brand.theme)


@dataclass(frozen=True)
class ScoreLine:
    """The latest score of a community as the board, screen and print sheet show it."""

    total: float
    grade: str
    period: str


@dataclass(frozen=True)
class StepView:
    step: Step
    status: StepStatus


@dataclass(frozen=True)
class CycleView:
    """One project cycle of a community: its plan (when published), reports and scored periods."""

    cycle: Cycle
    steps: tuple[StepView, ...]
    reports: tuple[Report, ...]  # published half-year reports of the cycle, oldest first
    results: tuple[CommunityResult, ...]  # scored periods of the cycle, oldest first
    state: str  # 进行中 / 已结束 / 未开始
    pledges: tuple[PledgeView, ...] = ()  # pledges published during the cycle, in tracker order
    commendations: tuple[Commendation, ...] = ()  # commendations of the community dated in the cycle, newest first

    @property
    def id(self) -> str:
        return self.cycle.id

    @property
    def label(self) -> str:
        return f"{self.cycle.start.year}–{self.cycle.end.year}年周期"


@dataclass(frozen=True)
class CommunityView:
    town: Town
    community: Community
    pledges: tuple[PledgeView, ...]  # tracker order: overdue, ongoing, not started, done; then by due date
    brands: tuple[BrandView, ...]
    result: CommunityResult | None  # the latest scored period
    members: MemberCounts | None  # the latest member counts
    cycles: tuple[CycleView, ...] = ()  # oldest first
    cycle_state: CycleState | None = None
    profile: ProfileFile | None = None  # the profile's facts on the build date (its dated changes applied)

    @property
    def current_cycle(self) -> CycleView | None:
        current = self.cycle_state.current if self.cycle_state else None
        return next((v for v in self.cycles if current is not None and v.cycle is current), None)

    @property
    def ended_cycle(self) -> CycleView | None:
        """The cycle that ended last, when no cycle is running on the build date."""
        if self.cycle_state is None or not self.cycle_state.between:
            return None
        last = self.cycle_state.past[0]
        return next((v for v in self.cycles if v.cycle is last), None)

    @property
    def status_counts(self) -> dict[str, int]:
        return counts(self.pledges)

    @property
    def score(self) -> ScoreLine | None:
        r = self.result
        return None if r is None else ScoreLine(float(r.total), r.grade, r.period)


@dataclass
class SiteViews:
    communities: list[CommunityView]
    brands: list[BrandView]
    image_problems: list[DataError] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_key = {v.community.key: v for v in self.communities}

    def of(self, c: Community) -> CommunityView:
        return self._by_key[c.key]

    @property
    def pledges(self) -> list[PledgeView]:
        """Every published pledge, community by community in district order."""
        return [p for v in self.communities for p in v.pledges]


def theme_id(theme: str) -> str:
    """A stable anchor for a free-text theme (the text itself may be any Chinese phrase)."""
    return "theme-" + hashlib.sha1(theme.encode("utf-8")).hexdigest()[:8]


def counts(views: tuple[PledgeView, ...] | list[PledgeView]) -> dict[str, int]:
    out = dict.fromkeys(STATUSES, 0)
    for v in views:
        out[v.status.label] += 1
    return out


def kind_counts(views: tuple[PledgeView, ...] | list[PledgeView]) -> dict[str, int]:
    out = {label: 0 for _, label in KINDS}
    for v in views:
        out[v.pledge.kind] += 1
    return out


def view(pledge: Pledge, town: Town, community: Community, as_of: dt.date) -> PledgeView:
    return PledgeView(pledge, pledge_status(pledge, as_of), town, community)


def _order(v: PledgeView) -> tuple[int, dt.date, str]:
    """Overdue first, then ongoing, not started, done; by due date, then id (so moving YAML entries changes nothing)."""
    return STATUSES.index(v.status.label), v.pledge.due, v.pledge.id


def _images(context: SiteContext, c: Community, b: Brand,
            problems: list[DataError]) -> list[tuple[Image, WebImage]]:
    out = []
    for j, img in enumerate(b.images):
        try:
            out.append((img, describe(context.project / c.rel_dir / img.file, img.alt, urls.brand_media(b.id), j)))
        except ImageProblem as exc:
            problems.append(DataError(*locate(img, f"{c.rel_dir}/brands.yml", "file"), exc.message))
    return out


def _brand(context: SiteContext, town: Town, c: Community, b: Brand, problems: list[DataError]) -> BrandView:
    info = context.district.info
    honours = tuple(sorted((cm for cm in info.commendations if b.id in cm.brands),
                           key=lambda cm: (cm.date, cm.id), reverse=True))
    images = _images(context, c, b, problems)
    return BrandView(b, town, c, b.id in info.model_brands, honours, tuple(w for _, w in images),
                     tuple(r for r, _ in images))


def _build(context: SiteContext) -> SiteViews:
    results = {r.community: r for r in context.scores.results} if context.scores else {}
    history: dict[str, list[CommunityResult]] = {}
    for r in sorted(context.scores.history if context.scores else [], key=lambda r: r.period):
        history.setdefault(r.community, []).append(r)
    problems: list[DataError] = []
    communities = []
    all_brands = []
    for town in context.district.towns:
        for c in town.communities:
            pledges = tuple(sorted((view(p, town, c, context.as_of) for p in c.pledges.pledges), key=_order))
            brands = tuple(_brand(context, town, c, b, problems) for b in c.brands.brands)
            members = max(c.members.members, key=lambda m: m.period, default=None)
            communities.append(CommunityView(town, c, pledges, brands, results.get(c.key), members,
                                             _cycles(context, c, history.get(c.key, []), pledges),
                                             cycle_state(c.profile.cycles, context.as_of),
                                             profile_on(c.profile, context.as_of)))
            all_brands.extend(brands)
    return SiteViews(communities, all_brands, problems)


def _cycles(context: SiteContext, c: Community, history: list[CommunityResult],
            pledges: tuple[PledgeView, ...]) -> tuple[CycleView, ...]:
    as_of = context.as_of
    honours = sorted((cm for cm in context.district.info.commendations if c.key in cm.communities),
                     key=lambda cm: (cm.date, cm.id), reverse=True)
    out = []
    for cycle in c.profile.cycles:
        steps = tuple(StepView(s, step_status(s.start, s.end, s.done_on, as_of, closed_on=cycle.end))
                      for s in cycle.steps)
        def mine(period: str, cycle: Cycle = cycle) -> bool:
            return cycle_of_period(c.profile.cycles, period) is cycle

        reports = tuple(sorted((r for r in c.assessments.reports if mine(r.period)), key=lambda r: r.period))
        results = tuple(r for r in history if mine(r.period))
        state = "已结束" if cycle.end < as_of else "进行中" if cycle.start <= as_of else "未开始"
        out.append(CycleView(cycle, steps, reports, results, state,
                             tuple(v for v in pledges if cycle_at(c.profile.cycles, v.pledge.published_on) is cycle),
                             tuple(cm for cm in honours if cycle.contains(cm.date))))
    return tuple(out)


_CACHE: weakref.WeakKeyDictionary[SiteContext, SiteViews] = weakref.WeakKeyDictionary()


def site_views(context: SiteContext) -> SiteViews:
    """The views of ``context``, computed on first use and shared by every producer of the build."""
    found = _CACHE.get(context)
    if found is None:
        found = _CACHE[context] = _build(context)
    return found
