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
from generator.pages.status import STATUSES, MilestoneState, PledgeStatus, pledge_status
from generator.records.images import ImageProblem, WebImage, describe
from generator.records.model import Community, Town
from generator.records.schema import Brand, Commendation, Image, MemberCounts, Pledge, locate
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
class CommunityView:
    town: Town
    community: Community
    pledges: tuple[PledgeView, ...]  # tracker order: overdue, ongoing, not started, done; then by due date
    brands: tuple[BrandView, ...]
    result: CommunityResult | None  # the latest scored period
    members: MemberCounts | None  # the latest member counts

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
            problems.append(DataError(*locate(img, f"{c.rel_dir}/brands.yml", "file"), str(exc)))
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
    problems: list[DataError] = []
    communities = []
    all_brands = []
    for town in context.district.towns:
        for c in town.communities:
            pledges = tuple(sorted((view(p, town, c, context.as_of) for p in c.pledges.pledges), key=_order))
            brands = tuple(_brand(context, town, c, b, problems) for b in c.brands.brands)
            members = max(c.members.members, key=lambda m: m.period, default=None)
            communities.append(CommunityView(town, c, pledges, brands, results.get(c.key), members))
            all_brands.extend(brands)
    return SiteViews(communities, all_brands, problems)


_CACHE: weakref.WeakKeyDictionary[SiteContext, SiteViews] = weakref.WeakKeyDictionary()


def site_views(context: SiteContext) -> SiteViews:
    """The views of ``context``, computed on first use and shared by every producer of the build."""
    found = _CACHE.get(context)
    if found is None:
        found = _CACHE[context] = _build(context)
    return found
