"""Big-screen view for the electronic display in a community hall.

``screen/<town>/<community>/index.md`` uses the chrome-less ``theme/screen.html``
template: 1920×1080, large type, slides that rotate by themselves (overview,
pledges, brands, score).  Without JavaScript every slide is shown in a column.
The page is left out of the search index.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator import urls
from generator.pages.core import common
from generator.pages.qr import qr_for
from generator.pages.templating import render
from generator.pages.views import PledgeView, site_views

if TYPE_CHECKING:
    from generator.context import SiteContext
    from generator.pages.output import Output

PLEDGES_PER_SLIDE = 3
SLIDE_SECONDS = 12


def chunks(items: list[PledgeView], size: int) -> list[list[PledgeView]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def render_screens(context: SiteContext, output: Output) -> None:
    for cv in site_views(context).communities:
        c, views = cv.community, list(cv.pledges)
        if not output.covers(c.key):
            continue
        page = urls.source(urls.screen(c.town_id, c.id))
        output.add_page(page, render(
            "screen.md.j2", **common(context, page), town=cv.town, c=c, views=views,
            pledge_pages=chunks(views, PLEDGES_PER_SLIDE), status_counts=cv.status_counts, brands=list(cv.brands),
            score=cv.score, qr=qr_for(context, c.url), seconds=SLIDE_SECONDS))
