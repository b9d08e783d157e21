"""Brand showcase: gallery, one permanent page per brand, redirects, resized images.

- ``brands/index.md`` — every published brand, grouped by town; town anchors and
  a theme index work without JavaScript, ``dangjian.js`` adds select filters.
- ``brands/<id>/index.md`` — the brand's permanent page.  The id never changes;
  a renamed brand lists its old ids in ``former_ids`` and each one gets
  ``brands/<old>/index.html``: a meta refresh, a canonical link and a visible link.
- ``media/brands/<id>/NN-<name>-<width>.<ext>`` — images at most 960 px wide
  (and a 480 px thumbnail), re-encoded without EXIF.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from generator import urls
from generator.cache import cache_folder
from generator.pages.core import common
from generator.pages.qr import QrCode, qr_for
from generator.pages.templating import oneline, render
from generator.pages.views import BrandView, site_views, theme_id
from generator.records.images import ImageProblem, encode
from generator.records.model import Community
from generator.records.schema import Brand, locate

if TYPE_CHECKING:
    from generator.context import SiteContext
    from generator.pages.output import Output

DESCRIPTION_CHARS = 110


def describe_brand(b: Brand) -> str:
    text = oneline(b.summary)
    return text if len(text) <= DESCRIPTION_CHARS else text[: DESCRIPTION_CHARS - 1] + "…"


def redirect_html(site_url: str, old_id: str, v: BrandView) -> bytes:
    """A static page at the old address that sends readers (and search engines) to the new one."""
    target = f"../{v.brand.id}/"  # relative: brands/<old>/ -> brands/<id>/, whatever the site's base path
    canonical = escape(urls.public(site_url, v.url))
    name = escape(v.brand.name)
    html = f"""<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>页面已迁移：{name}</title>
<link rel="canonical" href="{canonical}">
<meta name="robots" content="noindex">
<meta http-equiv="refresh" content="0; url={escape(target)}">
<style>body{{font:18px/1.6 sans-serif;margin:2rem auto;max-width:40rem;padding:0 1rem;color:#1a1a1a}}
a{{color:#8e0000;display:inline-block;min-height:44px;line-height:44px}}</style>
</head>
<body>
<main>
<h1>页面已迁移</h1>
<p>党建品牌“{name}”的地址已更新（原地址 {escape(urls.brand(old_id))}）。</p>
<p><a href="{escape(target)}">前往“{name}”</a></p>
</main>
</body>
</html>
"""
    return html.encode("utf-8")


def render_brands(context: SiteContext, output: Output) -> None:
    site = site_views(context)
    views = site.brands
    if output.site_wide:  # the gallery, and the image problems found for every brand at once (site_views)
        for problem in site.image_problems:
            output.log.errors.append(problem)
        _gallery(context, output, views)
    cache_dir = cache_folder(context.project)
    for v in views:  # a brand's page, images and redirects are its community's
        if not output.covers(v.community.key):
            continue
        for image, record in zip(v.images, v.image_records, strict=True):
            try:
                for path, data in encode(image, cache_dir).items():
                    output.add_file(path, data)
            except ImageProblem as exc:
                output.log.add(*locate(record, f"{v.community.rel_dir}/brands.yml", "file"), exc.message)
        _brand_page(context, output, v)
        for old in v.brand.former_ids:
            output.add_file(urls.brand_redirect(old), redirect_html(context.config.site.url, old, v))


def _gallery(context: SiteContext, output: Output, views: list[BrandView]) -> None:
    towns = [(t, [v for v in views if v.town is t]) for t in context.district.towns]
    themes: dict[str, list[BrandView]] = {}
    for v in sorted(views, key=lambda v: (v.brand.theme, v.brand.name)):
        themes.setdefault(v.brand.theme, []).append(v)
    page = urls.source(urls.BRANDS)
    output.add_page(page, render(
        "brand_gallery.md.j2", **common(context, page), views=views, towns=towns,
        themes=sorted(themes.items()), theme_id=theme_id))


def _brand_page(context: SiteContext, output: Output, v: BrandView) -> None:
    page = urls.source(v.url)
    qr: QrCode = qr_for(context, v.url)
    og = v.images[0].large if v.images else None
    output.add_page(page, render(
        "brand_page.md.j2", **common(context, page), v=v, b=v.brand, qr=qr,
        description=describe_brand(v.brand),
        og_image=urls.public(context.config.site.url, og.path) if og else None,
        og_alt=v.images[0].alt if v.images else None,
        years=sorted(v.brand.years, key=lambda y: y.year),
        achievements=sorted(v.brand.achievements, key=lambda a: a.date, reverse=True),
        mentions=sorted(v.brand.mentions, key=lambda m: (m.date, m.title), reverse=True),
        adopters=published_communities(context)))


def published_communities(context: SiteContext) -> dict[str, Community]:
    """Key -> published community, so a page names only communities that are on the site."""
    return {c.key: c for c in context.district.communities()}
