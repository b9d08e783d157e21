"""项目推广: the district's promotion page, ``promotion/``.

Model brands (示范品牌, named by the district in ``district.yml``) and every
promotion record of every published brand — briefings, media reports, site
visits (现场观摩) and adoption by other communities (经验推广) — newest year
first, so a briefing writer finds them in one place across cycles.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator import urls
from generator.pages.brands import published_communities
from generator.pages.core import common
from generator.pages.output import site_wide_only
from generator.pages.templating import render
from generator.pages.views import site_views
from generator.records.schema import PROMOTION_KINDS

if TYPE_CHECKING:
    from generator.context import SiteContext
    from generator.pages.output import Output


@site_wide_only
def render_promotion(context: SiteContext, output: Output) -> None:
    brands = site_views(context).brands
    records = sorted(((m, v) for v in brands for m in v.brand.mentions),
                     key=lambda mv: (mv[0].date, mv[1].brand.id, mv[0].title), reverse=True)
    years: dict[int, list[tuple[object, object]]] = {}
    for m, v in records:
        years.setdefault(m.date.year, []).append((m, v))
    counts = {kind: sum(1 for m, _ in records if m.kind == kind) for kind in PROMOTION_KINDS}
    page = urls.source(urls.PROMOTION)
    output.add_page(page, render(
        "promotion.md.j2", **common(context, page), models=[v for v in brands if v.is_model],
        years=sorted(years.items(), reverse=True), counts=counts, adopters=published_communities(context)))
