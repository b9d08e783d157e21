"""Project cycles: one page per community and cycle, ``towns/<t>/<c>/cycles/<2025-2026>/``.

Each page shows the 立项 plan (goals, measures, expected results, steps marked
done / late against the as-of date), the half-year reports on the six
mechanisms, and the scored periods of that cycle.  Past cycles keep their
pages, so an archive link never breaks when the next cycle starts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator import urls
from generator.pages.core import common
from generator.pages.scores import helpers
from generator.pages.templating import render
from generator.pages.views import site_views
from generator.records.schema import MECHANISMS

if TYPE_CHECKING:
    from generator.context import SiteContext
    from generator.pages.output import Output


def render_cycles(context: SiteContext, output: Output) -> None:
    for cv in site_views(context).communities:
        c = cv.community
        if not output.covers(c.key):
            continue
        for view in cv.cycles:
            page = urls.source(urls.cycle(c.town_id, c.id, view.id))
            output.add_page(page, render(
                "cycle.md.j2", **common(context, page), **helpers(), town=cv.town, c=c, cv=cv, view=view,
                mechanisms=MECHANISMS))
