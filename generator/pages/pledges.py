"""Pledge tracker (公开承诺 + 履诺进度表): one page per community, plus district pages.

Pages written:

- ``towns/<t>/<c>/pledges/index.md`` — every published pledge of the community,
  grouped by status, with milestones and evidence.  Status and type filters are
  plain anchors; CSS ``:target`` rules hide the other items, so filtering works
  without JavaScript (``dangjian.js`` only adds ``aria-current`` and a count).
- ``pledges/index.md`` — district summary per town and community.
- ``pledges/overdue/index.md`` — every overdue pledge in the district, latest first
  by how long it has been late, so the department sees them in one place.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from generator import urls
from generator.pages.core import common
from generator.pages.status import STATUS_IDS, STATUSES, PledgeStatus, pledge_status
from generator.pages.templating import render
from generator.records.model import Community, Town
from generator.records.schema import Milestone, Pledge

if TYPE_CHECKING:
    from generator.context import SiteContext
    from generator.pages.output import Output

KINDS: tuple[tuple[str, str], ...] = (("org", "组织承诺"), ("member", "党员承诺"))
KIND_IDS = {label: kind_id for kind_id, label in KINDS}
STATUS_FILTERS: tuple[tuple[str, str], ...] = tuple((STATUS_IDS[s], s) for s in STATUSES)


@dataclass(frozen=True)
class LateMilestone:
    milestone: Milestone
    days_late: int


@dataclass(frozen=True)
class PledgeView:
    """A published pledge with everything a page shows about it, computed once."""

    pledge: Pledge
    status: PledgeStatus
    town: Town
    community: Community
    late: tuple[LateMilestone, ...]
    days_overdue: int  # days since the earliest missed date (0 when not overdue)
    completed_on: dt.date | None

    @property
    def anchor(self) -> str:
        return urls.pledge_anchor(self.pledge.id)

    @property
    def kind_id(self) -> str:
        return KIND_IDS[self.pledge.kind]

    @property
    def tracker(self) -> str:
        """Docs-relative directory URL of the community's tracker page."""
        return tracker_dir(self.community)


def tracker_dir(c: Community) -> str:
    return urls.community_pledges(c.town_id, c.id)


def view(pledge: Pledge, town: Town, community: Community, as_of: dt.date) -> PledgeView:
    status = pledge_status(pledge, as_of)
    late = tuple(LateMilestone(m, (as_of - m.date).days) for m in pledge.milestones
                 if m.status != "已完成" and m.date < as_of)
    missed = [m.milestone.date for m in late]
    if status.label == "逾期" and pledge.due < as_of:
        missed.append(pledge.due)
    days = (as_of - min(missed)).days if status.label == "逾期" and missed else 0
    done_days = [m.done_on for m in pledge.milestones if m.done_on is not None]
    completed = max(done_days) if status.label == "已完成" and done_days else None
    return PledgeView(pledge, status, town, community, late, days, completed)


def _order(v: PledgeView) -> tuple[int, dt.date, str]:
    return STATUSES.index(v.status.label), v.pledge.due, v.pledge.id


def community_views(context: SiteContext, town: Town, community: Community) -> list[PledgeView]:
    return sorted((view(p, town, community, context.as_of) for p in community.pledges.pledges), key=_order)


def district_views(context: SiteContext) -> list[PledgeView]:
    return [v for t in context.district.towns for c in t.communities for v in community_views(context, t, c)]


def counts(views: list[PledgeView]) -> dict[str, int]:
    out = dict.fromkeys(STATUSES, 0)
    for v in views:
        out[v.status.label] += 1
    return out


def kind_counts(views: list[PledgeView]) -> dict[str, int]:
    out = {label: 0 for _, label in KINDS}
    for v in views:
        out[v.pledge.kind] += 1
    return out


def render_pledge_trackers(context: SiteContext, output: Output) -> None:
    """One tracker page per published community."""
    for town in context.district.towns:
        for c in town.communities:
            page = urls.source(tracker_dir(c))
            views = community_views(context, town, c)
            groups = [(sid, label, [v for v in views if v.status.label == label]) for sid, label in STATUS_FILTERS]
            output.add_page(page, render(
                "pledge_tracker.md.j2", **common(context, page), town=town, c=c, views=views, groups=groups,
                status_counts=counts(views), kind_counts=kind_counts(views), kinds=KINDS,
                status_filters=STATUS_FILTERS))


def render_pledge_overview(context: SiteContext, output: Output) -> None:
    """The district summary and the district-wide overdue list."""
    views = district_views(context)
    rows = []
    for town in context.district.towns:
        town_rows = []
        for c in town.communities:
            cv = [v for v in views if v.community is c]
            town_rows.append({"c": c, "counts": counts(cv), "total": len(cv), "tracker": tracker_dir(c)})
        rows.append({"town": town, "communities": town_rows})
    page = urls.source(urls.PLEDGES)
    output.add_page(page, render(
        "pledges_index.md.j2", **common(context, page), rows=rows, status_counts=counts(views),
        kind_counts=kind_counts(views), statuses=STATUSES))
    overdue = sorted((v for v in views if v.status.label == "逾期"),
                     key=lambda v: (-v.days_overdue, v.town.id, v.community.id, v.pledge.id))
    by_town = []
    for town in context.district.towns:
        items = [v for v in overdue if v.town is town]
        if items:
            by_town.append((town, items))
    page = urls.source(urls.OVERDUE)
    output.add_page(page, render(
        "overdue.md.j2", **common(context, page), overdue=overdue, by_town=by_town,
        community_count=len({v.community.key for v in overdue})))
