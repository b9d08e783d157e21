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

from typing import TYPE_CHECKING

from generator import urls
from generator.pages.core import common
from generator.pages.output import site_wide_only
from generator.pages.status import STATUS_IDS, STATUSES, shown_statuses
from generator.pages.templating import render
from generator.pages.views import KINDS, counts, kind_counts, site_views

if TYPE_CHECKING:
    from generator.context import SiteContext
    from generator.pages.output import Output

STATUS_FILTERS: tuple[tuple[str, str], ...] = tuple((STATUS_IDS[s], s) for s in STATUSES)


def render_pledge_trackers(context: SiteContext, output: Output) -> None:
    """One tracker page per published community."""
    for cv in site_views(context).communities:
        c, views = cv.community, list(cv.pledges)
        if not output.covers(c.key):
            continue
        page = urls.source(urls.community_pledges(c.town_id, c.id))
        status_counts = counts(views)
        shown = shown_statuses(status_counts)
        filters = tuple((sid, label) for sid, label in STATUS_FILTERS if label in shown)
        groups = [(sid, label, [v for v in views if v.status.label == label]) for sid, label in filters]
        output.add_page(page, render(
            "pledge_tracker.md.j2", **common(context, page), town=cv.town, c=c, views=views, groups=groups,
            status_counts=status_counts, kind_counts=kind_counts(views), kinds=KINDS,
            status_filters=filters))


@site_wide_only
def render_pledge_overview(context: SiteContext, output: Output) -> None:
    """The district summary and the district-wide overdue list."""
    site = site_views(context)
    views = site.pledges
    rows = []
    for town in context.district.towns:
        town_rows = []
        for c in town.communities:
            cv = site.of(c).pledges
            town_rows.append({"c": c, "counts": counts(cv), "total": len(cv),
                              "tracker": urls.community_pledges(c.town_id, c.id)})
        rows.append({"town": town, "communities": town_rows})
    page = urls.source(urls.PLEDGES)
    status_counts = counts(views)
    output.add_page(page, render(
        "pledges_index.md.j2", **common(context, page), rows=rows, status_counts=status_counts,
        kind_counts=kind_counts(views), statuses=shown_statuses(status_counts)))
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
