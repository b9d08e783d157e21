"""Printable A4 sheet per community board: ``towns/<t>/<c>/print/``.

The office prints it and posts it on the physical 公开栏: pledges with status and
progress, brand names, the latest score (when the rubric engine has one) and the
board's QR code.  The print stylesheet in ``theme/`` hides the site chrome.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator import urls
from generator.pages.core import common
from generator.pages.qr import qr_for
from generator.pages.templating import render
from generator.pages.views import site_views

if TYPE_CHECKING:
    from generator.context import SiteContext
    from generator.pages.output import Output


def render_print_sheets(context: SiteContext, output: Output) -> None:
    for cv in site_views(context).communities:
        c = cv.community
        if not output.covers(c.key):
            continue
        page = urls.source(urls.community_print(c.town_id, c.id))
        output.add_page(page, render(
            "print_sheet.md.j2", **common(context, page), town=cv.town, c=c, views=list(cv.pledges),
            status_counts=cv.status_counts, brands=c.brands.brands, score=cv.score, qr=qr_for(context, c.url)))
