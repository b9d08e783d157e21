"""Big-screen view for the electronic display in a community hall.

``screen/<town>/<community>/index.md`` uses the chrome-less ``theme/screen.html``
template: 1920×1080, large type, slides that rotate by themselves (overview,
pledges, brands, score).  Without JavaScript every slide is shown in a column.
The page is left out of the search index.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from generator import urls
from generator.pages.brands import BrandView, brand_views
from generator.pages.core import common
from generator.pages.pledges import PledgeView, community_views, counts
from generator.pages.qr import qr_for
from generator.pages.templating import render

if TYPE_CHECKING:
    from generator.context import SiteContext
    from generator.pages.output import Output

PLEDGES_PER_SLIDE = 3
SLIDE_SECONDS = 12


@dataclass(frozen=True)
class ScoreLine:
    """The latest score of a community, read defensively from the rubric engine's results."""

    total: float
    grade: str | None
    period: str | None


def latest_score(context: SiteContext, key: str) -> ScoreLine | None:
    if context.scores is None:
        return None
    found: Any = None
    for result in context.scores.results:
        if getattr(result, "community", None) == key:
            found = result
    if found is None or getattr(found, "total", None) is None:
        return None
    total = float(found.total)
    grade = getattr(found, "grade", None) or context.config.grade_for(total)
    period = getattr(found, "period", None)
    return ScoreLine(total, str(grade), str(period) if period else None)


def chunks(items: list[PledgeView], size: int) -> list[list[PledgeView]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def render_screens(context: SiteContext, output: Output) -> None:
    all_brands = brand_views(context)
    for town in context.district.towns:
        for c in town.communities:
            page = urls.source(urls.screen(town.id, c.id))
            views = community_views(context, town, c)
            brands: list[BrandView] = [v for v in all_brands if v.community is c]
            pages = chunks(views, PLEDGES_PER_SLIDE)
            output.add_page(page, render(
                "screen.md.j2", **common(context, page), town=town, c=c, views=views, pledge_pages=pages,
                status_counts=counts(views), brands=brands, score=latest_score(context, c.key),
                qr=qr_for(context, c.url), seconds=SLIDE_SECONDS))
