"""Producers for the core pages: home, towns, community boards, content pages."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from generator import urls
from generator.cache import cache_folder
from generator.pages.output import site_wide_only
from generator.pages.status import STATUSES
from generator.pages.templating import render
from generator.pages.views import CommunityView, PledgeView, SiteViews, counts, site_views
from generator.records.images import clean_copy
from generator.records.load import CONTENT_IMAGES, content_address
from generator.records.model import Community
from generator.records.periods import period_label

if TYPE_CHECKING:
    from generator.context import SiteContext
    from generator.pages.output import Output


def common(context: SiteContext, page: str) -> dict[str, object]:
    return {"root": urls.root_prefix(page), "config": context.config, "as_of": context.as_of,
            "district": context.district}


def _status_counts(views: SiteViews, communities: list[Community]) -> dict[str, int]:
    return counts([p for c in communities for p in views.of(c).pledges])


@site_wide_only
def render_home(context: SiteContext, output: Output) -> None:
    d = context.district
    communities = d.communities()
    model_brands = [(c, b) for c in communities for b in c.brands.brands if b.id in d.info.model_brands]
    running = (site_views(context).of(c).current_cycle for c in communities)
    cycles = sorted({(v.cycle.start, v.cycle.end) for v in running if v is not None})
    page = urls.source(urls.HOME)
    output.add_page(page, render(
        "home.md.j2", **common(context, page),
        towns=d.towns, communities=communities, cycles=cycles, model_brands=model_brands,
        status_counts=_status_counts(site_views(context), communities),
        brand_count=sum(len(c.brands.brands) for c in communities),
        activity_count=sum(len(c.activities.activities) for c in communities),
        scores={c.key: site_views(context).of(c).result for c in communities},
    ))


@site_wide_only
def render_town_list(context: SiteContext, output: Output) -> None:
    """One page listing every town (the menu links here when the towns are too many to list)."""
    views = site_views(context)
    page = urls.source(urls.TOWNS)
    rows = [{"town": t, "communities": len(t.communities), "status_counts": _status_counts(views, t.communities)}
            for t in context.district.towns]
    output.add_page(page, render("towns.md.j2", **common(context, page), rows=rows))


@site_wide_only
def render_towns(context: SiteContext, output: Output) -> None:
    views = site_views(context)
    for town in context.district.towns:
        page = urls.source(urls.town(town.id))
        rows = []
        for c in town.communities:
            v = views.of(c)
            rows.append({"c": c, "members": v.members.total if v.members else None, "pledges": len(v.pledges),
                         "brands": len(v.brands), "score": v.result})
        output.add_page(page, render("town.md.j2", **common(context, page), town=town, rows=rows,
                                     status_counts=_status_counts(views, town.communities)))


def last_modified(c: Community, as_of: dt.date) -> dt.date:
    """The latest date in the community's published records (never the clock), for the sitemap."""
    days: list[dt.date] = [cycle.declared_on for cycle in c.profile.cycles]
    pubs = [c.profile.publication, c.members.publication, c.pledges.publication, c.brands.publication,
            c.activities.publication, c.assessments.publication]
    days += [p.approved_on for p in pubs if p is not None and p.approved_on is not None]
    days += [a.date for a in c.activities.activities]
    for p in c.pledges.pledges:
        days.append(p.published_on)
        days += [m.done_on for m in p.milestones if m.done_on is not None]
    days += [r.submitted_on for r in c.assessments.reports]
    days += [a.date for a in c.assessments.acceptance]
    return min(max(days), as_of)


def render_boards(context: SiteContext, output: Output) -> None:
    views = site_views(context)
    limit = context.config.recent_activities
    for town in context.district.towns:
        for c in town.communities:
            if not output.covers(c.key):
                continue
            page = urls.source(urls.community(town.id, c.id))
            v = views.of(c)
            shown = _board_pledges(v)
            shown_ids = {id(x) for x in shown}  # identity: comparing pledge views would compare whole records
            activities = sorted(c.activities.activities, key=lambda a: a.date, reverse=True)[:limit]
            output.add_page(page, render(
                "board.md.j2", **common(context, page), town=town, c=c, cv=v, members=v.members,
                lastmod=last_modified(c, context.as_of),
                pledges=shown, older_pledges=tuple(x for x in v.pledges if id(x) not in shown_ids),
                activities=activities, score=v.result, pledge_counts=counts(shown),
                period_label=period_label))


def _board_pledges(v: CommunityView) -> tuple[PledgeView, ...]:
    """The board shows the pledges of the current (or just ended) cycle, overdue first, then in progress,
    not started and done (tracker order within each); older ones are on their cycle page."""
    shown = v.current_cycle or v.ended_cycle
    pledges = shown.pledges if shown is not None else v.pledges
    return tuple(sorted(pledges, key=lambda p: STATUSES.index(p.status.label)))


@site_wide_only
def render_content(context: SiteContext, output: Output) -> None:
    """Hand-written pages from ``content/``, passed through as Markdown."""
    folder = context.project / "content"
    if not folder.is_dir():
        return
    for file in sorted(folder.rglob("*")):
        if not file.is_file() or file.name.startswith("."):
            continue
        rel = content_address(file.relative_to(folder).as_posix())
        suffix = file.suffix.lower()
        if suffix == ".md":
            output.add_page(rel, file.read_text(encoding="utf-8"))
            output.untrusted.add(rel)
        elif suffix in CONTENT_IMAGES:  # re-encoded: no EXIF, GPS, text chunks or XMP reaches the site
            output.add_file(rel, clean_copy(file.read_bytes(), suffix, cache_folder(context.project)))
        else:
            output.add_file(rel, file.read_bytes())

