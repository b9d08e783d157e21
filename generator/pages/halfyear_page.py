"""Published half-year reports: ``towns/<t>/reports/<period>/`` and ``reports/<period>/`` (the district's).

A report is published only when the department lists its period in ``site_config.yml``
(``publish_reports: [2026-H1]``); the page prints the same outline as the Word file
(``halfyear_outline``), so the page and the document the department receives say the same.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator import urls
from generator.pages.core import common
from generator.pages.halfyear import half_year_report
from generator.pages.halfyear_outline import outline
from generator.pages.output import site_wide_only
from generator.pages.templating import render

if TYPE_CHECKING:
    from generator.context import SiteContext
    from generator.pages.output import Output


@site_wide_only
def render_halfyear_reports(context: SiteContext, output: Output) -> None:
    towns = [t for t in context.district.towns if t.communities]
    for period in context.config.publish_reports:
        for town in [None, *towns]:
            address = urls.district_report(period) if town is None else urls.town_report(town.id, period)
            page = urls.source(address)
            doc = outline(half_year_report(context, period, town.id if town else None))
            output.add_page(page, render("halfyear.md.j2", **common(context, page), doc=doc, town=town,
                                         towns=towns, period=period))
