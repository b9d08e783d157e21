"""Stage 5: render the site model into Markdown pages and data files.

Each page family is a *producer*: ``(context, output) -> None``.  Producers
only read the context and add pages/files to ``output``; adding a page family
means adding one producer to ``PRODUCERS``.

A producer writes only what ``output.scope`` covers (:class:`~generator.pages.output.Scope`): a
producer of site-wide pages is marked ``@site_wide_only``; one that loops over communities skips
those that ``output.covers`` does not.  It writes its site-wide pages first, then its communities'
in district order (what lets :mod:`generator.pages.parallel` put a pooled build back in serial order).
:func:`render_scoped` renders a share of the site; :func:`render_site` all of it, on every core for
a large district.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from generator import urls
from generator.errors import ErrorLog
from generator.pages.brands import render_brands
from generator.pages.changes import render_changes
from generator.pages.core import render_boards, render_content, render_home, render_town_list, render_towns
from generator.pages.cycles import render_cycles
from generator.pages.feeds import render_feed
from generator.pages.halfyear_page import render_halfyear_reports
from generator.pages.output import NavEntry, Output, Producer, Scope
from generator.pages.parallel import Mark, Part, merge, plan, render_in_pool
from generator.pages.pledges import render_pledge_overview, render_pledge_trackers
from generator.pages.print_sheet import render_print_sheets
from generator.pages.promotion import render_promotion
from generator.pages.qr import render_board_qr_codes, render_brand_qr_codes
from generator.pages.scores import SCORE_PRODUCERS
from generator.pages.screen import render_screens
from generator.pages.share_store import open_store

if TYPE_CHECKING:
    from generator.context import SiteContext
    from generator.records.watch import Snapshot


# Producer families, in build order.  Tests render one family through these lists, never their own copy.
CORE_PRODUCERS: list[Producer] = [render_home, render_town_list, render_towns, render_boards, render_cycles,
                                  render_content]
# Resident boards: render_brands writes resized, EXIF-free images under media/brands/<id>/.
BOARD_PRODUCERS: list[Producer] = [
    render_pledge_trackers,
    render_pledge_overview,
    render_brands,
    render_promotion,
    render_board_qr_codes,
    render_brand_qr_codes,
    render_screens,
    render_print_sheets,
    render_feed,
]
# Trust: record manifest and the "本次更新" page; last, so it can link to every page.
TRUST_PRODUCERS: list[Producer] = [render_changes]

# Published half-year reports (site_config publish_reports) after the scores they quote.
PRODUCERS: list[Producer] = [*CORE_PRODUCERS, *BOARD_PRODUCERS, *SCORE_PRODUCERS, render_halfyear_reports,
                             *TRUST_PRODUCERS]


def render_site(context: SiteContext, spool: Path | None = None,
                sources: Snapshot | None = None) -> tuple[Output, ErrorLog]:
    """Every page and file of the site; a large district's community pages, and its costliest site-wide
    producers (:func:`site_shares`), on forked workers.

    The pooled render gives what the serial one gives, in the same order; when any part of it fails,
    the site is rendered serially, so a failure surfaces as it would without the pool.  With ``spool`` (a
    folder that outlives the output) the workers' pages and files are written there, not sent back
    (``parallel.spool_part``), and with a cache the towns' shares are kept from build to build: a town whose
    pages read nothing that changed is not rendered again (``share_store``; ``sources``, given when the cache is
    on: the project's files as the build found them before reading its records).
    """
    store = open_store(context, sources) if spool is not None and sources is not None else None
    workers, shard_keys = plan(context)
    render = render_part if store is None else store.renderer(render_part)  # stored towns: ``share_store``
    output = render_in_pool(context, workers, shard_keys, render, spool, site_shares()) if shard_keys else None
    if output is not None:  # the site-wide pages came in several shares: the nav is made from all of them
        output.nav = build_nav(context, output)
    if store is not None:
        if output is None and not shard_keys:
            every = frozenset(c.key for t in store.towns for c in t.communities)
            parts = [render_part(context, Scope(frozenset(), site_wide=True))]
            if every:
                parts.append(render(context, Scope(every, site_wide=False)))
            output = merge(parts)
        store.settle(context.project)
    if output is None:
        output = render_part(context, Scope()).output
    return output, output.log


def render_scoped(context: SiteContext, communities: frozenset[str] | None, site_wide: bool) -> Output:
    """The pages and files of ``communities`` (community keys, ``town/community``; None: every one),
    and with ``site_wide`` the site-wide ones and the nav (see :class:`~generator.pages.output.Scope`).

    Each path of the site belongs to one community or to the site: renders of disjoint scopes share
    no path, and together they hold the site's pages, files and log.
    """
    return render_part(context, Scope(communities, site_wide)).output


def render_part(context: SiteContext, scope: Scope) -> Part:
    """The share ``scope`` of the site, with where each producer's pages, files and log entries end."""
    output = Output(scope=scope)
    marks = []
    for producer in PRODUCERS:
        if scope.runs(producer):
            producer(context, output)
        marks.append(Mark.of(output))
    if scope.site_wide and scope.producers is None:
        output.nav = build_nav(context, output)
    return Part(output, marks)


def site_shares() -> list[Scope]:
    """The site-wide pages in shares of whole producers: :data:`POOLED_SITE_WIDE` one share each (rendered by
    the pool's workers, first), the rest in the first share (rendered by the building process)."""
    pooled = [Scope(frozenset(), site_wide=True, producers=frozenset({name})) for name in POOLED_SITE_WIDE]
    rest = frozenset(p.__name__ for p in PRODUCERS) - set(POOLED_SITE_WIDE)
    return [Scope(frozenset(), site_wide=True, producers=rest), *pooled]


# The producers whose site-wide pages cost the most at 2,000 communities (cProfile of a warm build, in seconds:
# half-year reports 10.4, item pages 9.8, changes 4.5, all other site-wide pages together 10): each is one task
# for the pool's workers, so a warm build, which renders little else, spreads its site-wide pages over the cores.
# The score data (``data/scores.json``, 71 MB at 2,000 communities) is one too, for memory: a worker writes it to
# its spool, where the building process would hold it, and the bytes it is joined from, at its peak (1,062 MiB of
# RSS in a warm build with it here, 974 MiB without).
POOLED_SITE_WIDE: tuple[str, ...] = ("render_halfyear_reports", "render_item_pages", "render_changes",
                                     "render_score_data")


NAV_TOWNS_MAX = 12  # more towns than this: the menu links to the towns page instead of listing them


def build_nav(context: SiteContext, output: Output) -> list[NavEntry]:
    """A short menu whose size does not grow with the district: home, towns, sections, 本次更新, about.

    Community pages are not in the menu (town pages list them); the towns are listed while they are
    few (every one reachable in two taps) and otherwise reached through the towns page, so Material's
    per-page menu stays small as a city's districts are added.
    """
    nav = [NavEntry("首页", urls.source(urls.HOME))]
    towns = context.district.towns
    if len(towns) <= NAV_TOWNS_MAX:
        nav.append(NavEntry("镇(街道)", children=[
            NavEntry("全部镇(街道)", urls.source(urls.TOWNS)),
            *(NavEntry(t.name, urls.source(urls.town(t.id))) for t in towns)]))
    else:
        nav.append(NavEntry("镇(街道)", urls.source(urls.TOWNS)))
    for title, path in SECTION_PAGES:
        if output.has_page(path):
            nav.append(NavEntry(title, path))
    about = [NavEntry(title, path) for title, path in ABOUT_PAGES if output.has_page(path)]
    if about:
        nav.append(NavEntry("关于", children=about))
    return nav


# Top-level sections other page families may add (shown when the page exists).
SECTION_PAGES: list[tuple[str, str]] = [
    ("承诺公示", urls.source(urls.PLEDGES)),
    ("党建品牌", urls.source(urls.BRANDS)),
    ("品牌推广", urls.source(urls.PROMOTION)),
    ("考评排名", urls.source(urls.RANKING)),
    ("表彰", urls.source(urls.HONOURS)),
    ("考评细则", urls.source(urls.RUBRIC)),
    ("本次更新", urls.source(urls.CHANGES)),
]
ABOUT_PAGES: list[tuple[str, str]] = [
    ("关于六位一体", urls.CONTENT_PAGES["about"]),
    ("评分说明", urls.CONTENT_PAGES["scoring"]),
    ("开放数据", urls.DATA_SOURCE),
    ("联系我们", urls.CONTENT_PAGES["contact"]),
    ("关于示例数据", urls.CONTENT_PAGES["sample_data"]),
]
