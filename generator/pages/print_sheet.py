"""Printable A4 sheet per community board: ``towns/<t>/<c>/print/``.

The office prints it and posts it on the physical 公开栏: pledges with status and
progress, brand names, the latest score (when the rubric engine has one) and the
board's QR code.  The print stylesheet in ``theme/`` hides the site chrome.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator import urls
from generator.pages.core import common
from generator.pages.pledges import community_views, counts
from generator.pages.qr import qr_for
from generator.pages.screen import latest_score
from generator.pages.templating import render

if TYPE_CHECKING:
    from generator.context import SiteContext
    from generator.pages.output import Output


def render_print_sheets(context: SiteContext, output: Output) -> None:
    for town in context.district.towns:
        for c in town.communities:
            page = urls.source(urls.community_print(town.id, c.id))
            views = community_views(context, town, c)
            output.add_page(page, render(
                "print_sheet.md.j2", **common(context, page), town=town, c=c, views=views,
                status_counts=counts(views), brands=c.brands.brands, score=latest_score(context, c.key),
                qr=qr_for(context, c.url)))
