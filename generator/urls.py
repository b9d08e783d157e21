"""Every page and file address of the site, in one place.

In the spirit of Pelican's ``*_URL`` / ``*_SAVE_AS`` settings, :data:`PAGES`
and :data:`FILES` are the whole URL scheme as patterns; the functions below
fill them in, and nothing else in the generator writes an address by hand.

* A page URL is site-relative, with a trailing slash (``towns/east/pine/``);
  the home page is ``""``.  Its Markdown source is :func:`source` of it
  (``towns/east/pine/index.md``); MkDocs turns that into ``…/index.html``.
* A file address is site-relative (``data/scores.json``).
* Templates get this module as ``url`` and write ``{{ root }}{{ url.brand(b.id) }}``.

Brand URLs are permanent: they are pasted into briefings, so a brand's
``brands/<id>/`` never changes and former ids keep a redirect page.
This module imports nothing from the generator, so every layer may use it.
"""

from __future__ import annotations

import re

# name -> pattern; placeholders: {town}, {community}, {brand}, {period} (2025-H2), {cycle} (2025-2026)
PAGES: dict[str, str] = {
    "home": "",
    "towns": "towns/",
    "town": "towns/{town}/",
    "community": "towns/{town}/{community}/",
    "community_pledges": "towns/{town}/{community}/pledges/",
    "community_score": "towns/{town}/{community}/score/",
    "period_score": "towns/{town}/{community}/score/{period}/",
    "cycle": "towns/{town}/{community}/cycles/{cycle}/",
    "community_print": "towns/{town}/{community}/print/",
    "screen": "screen/{town}/{community}/",
    "pledges": "pledges/",
    "overdue": "pledges/overdue/",
    "brands": "brands/",
    "brand": "brands/{brand}/",
    "promotion": "promotion/",
    "ranking": "ranking/",
    "town_ranking": "ranking/{town}/",
    "rubric": "rubric/",
    "rubric_item_page": "rubric/items/{item}/",
    "honours": "honours/",
    "changes": "changes/",
    "history": "changes/history/",
    "town_report": "towns/{town}/reports/{period}/",  # a published half-year report (site_config publish_reports)
    "district_report": "reports/{period}/",
}

# name -> pattern; {page} is a page URL from PAGES, {name} a file name
FILES: dict[str, str] = {
    "feed": "feed.xml",
    "scores_json": "data/scores.json",
    "scores_csv": "data/scores.csv",
    "scores_schema": "data/scores.schema.json",
    "manifest": "data/manifest.json",
    "qr_svg": "{page}qr.svg",
    "qr_png": "{page}qr.png",
    "brand_media": "media/brands/{brand}/{name}",
    "brand_redirect": "brands/{brand}/index.html",  # a former id's page: meta refresh to the new address
}

# Hand-written pages from content/ keep their file names (about.md -> about/).
CONTENT_PAGES = {
    "about": "about.md",
    "scoring": "scoring.md",
    "contact": "contact.md",
    "sample_data": "sample-data.md",
}


def _fill(pattern: str, **parts: str) -> str:
    return pattern.format(**parts)


def source(url: str) -> str:
    """The Markdown source of a page URL: ``towns/a/`` -> ``towns/a/index.md``; ``""`` -> ``index.md``."""
    return f"{url}index.md"


def root_prefix(page_source: str) -> str:
    """Relative prefix from a page (given by its Markdown source) to the site root, with directory URLs.

    ``towns/a/b/index.md`` is served at ``towns/a/b/`` (three levels down); ``data.md`` at ``data/``.
    """
    depth = page_source.count("/") + (0 if page_source.endswith("index.md") else 1)
    return "../" * depth


def anchor(url: str, name: str) -> str:
    return f"{url}#{name}" if name else url


def town(town_id: str) -> str:
    return _fill(PAGES["town"], town=town_id)


def community(town_id: str, community_id: str) -> str:
    return _fill(PAGES["community"], town=town_id, community=community_id)


def community_key(key: str) -> str:
    """The board of the community keyed ``town/community``."""
    town_id, community_id = key.split("/")
    return community(town_id, community_id)


def pledge(town_id: str, community_id: str, pledge_id: str) -> str:
    """A pledge's place on its community board."""
    return anchor(community(town_id, community_id), pledge_anchor(pledge_id))


def pledge_anchor(pledge_id: str) -> str:
    return f"pledge-{pledge_id}"


def community_pledges(town_id: str, community_id: str) -> str:
    return _fill(PAGES["community_pledges"], town=town_id, community=community_id)


def community_score(town_id: str, community_id: str) -> str:
    return _fill(PAGES["community_score"], town=town_id, community=community_id)


def period_score(town_id: str, community_id: str, period: str) -> str:
    """A scored period's permanent page (the latest one is also at :func:`community_score`)."""
    return _fill(PAGES["period_score"], town=town_id, community=community_id, period=period)


def cycle(town_id: str, community_id: str, cycle_id: str) -> str:
    """A project cycle's page: plan, steps, half-year reports and scores of that cycle."""
    return _fill(PAGES["cycle"], town=town_id, community=community_id, cycle=cycle_id)


def period_anchor(period: str) -> str:
    """The anchor of a period's table on the ranking pages."""
    return f"period-{period}"


def community_print(town_id: str, community_id: str) -> str:
    return _fill(PAGES["community_print"], town=town_id, community=community_id)


def screen(town_id: str, community_id: str) -> str:
    return _fill(PAGES["screen"], town=town_id, community=community_id)


def brand(brand_id: str) -> str:
    return _fill(PAGES["brand"], brand=brand_id)


def brand_media(brand_id: str, name: str = "") -> str:
    """``media/brands/<id>/<name>``; without a name, the folder (no trailing slash)."""
    return _fill(FILES["brand_media"], brand=brand_id, name=name).rstrip("/")


def brand_redirect(brand_id: str) -> str:
    return _fill(FILES["brand_redirect"], brand=brand_id)


def search_part(town_id: str) -> str:
    """A town's part of the search index, written by the engine (engine/search_parts.py), not a producer."""
    return _fill(SEARCH_PART, town=town_id)


def town_ranking(town_id: str) -> str:
    return _fill(PAGES["town_ranking"], town=town_id)


def town_report(town_id: str, period: str) -> str:
    """A town's published half-year report (六项机制推进和落实情况)."""
    return _fill(PAGES["town_report"], town=town_id, period=period)


def district_report(period: str) -> str:
    """The district's published half-year report, aggregating the towns."""
    return _fill(PAGES["district_report"], period=period)


def item_anchor(no: int) -> str:
    """The anchor of rubric item ``no`` (on the rubric page and on every score page)."""
    return f"item-{no}"


def rubric_item(no: int) -> str:
    return anchor(RUBRIC, item_anchor(no))


def rubric_item_page(no: int) -> str:
    """One rubric item across every community: who has full marks, who lost points and why."""
    return _fill(PAGES["rubric_item_page"], item=str(no))


def qr_svg(page: str) -> str:
    return _fill(FILES["qr_svg"], page=page)


def qr_png(page: str) -> str:
    return _fill(FILES["qr_png"], page=page)


def public(site_url: str, address: str) -> str:
    """The absolute address (``site.url`` always ends with '/')."""
    return site_url + address


HOME = PAGES["home"]
TOWNS = PAGES["towns"]
PLEDGES = PAGES["pledges"]
OVERDUE = PAGES["overdue"]
BRANDS = PAGES["brands"]
PROMOTION = PAGES["promotion"]
RANKING = PAGES["ranking"]
RUBRIC = PAGES["rubric"]
HONOURS = PAGES["honours"]
CHANGES = PAGES["changes"]
HISTORY = PAGES["history"]
FEED = FILES["feed"]
SCORES_JSON = FILES["scores_json"]
SCORES_CSV = FILES["scores_csv"]
SCORES_SCHEMA = FILES["scores_schema"]
MANIFEST = FILES["manifest"]
# Pages reached from other pages, never from the navigation (gitignore-style, site-relative).
UNLISTED: tuple[str, ...] = ("towns/*/*/", "brands/", "screen/", "pledges/*/", "ranking/*/",  # cycles, scores within
                             "reports/")
# The open-data page is a top-level page of its own (data.md -> data/), not a folder index.
DATA = "data/"
DATA_SOURCE = "data.md"


def _regex(pattern: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[a-z]+\})", pattern)
    body = "".join(
        "(?:[^/]+/)*" if p == "{page}" else "[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(body + r"\Z")


_PAGE_SOURCES = {name: _regex(source(p)) for name, p in PAGES.items()}
_FILES = {name: _regex(p) for name, p in FILES.items()}


def page_kind(path: str) -> str | None:
    """Which :data:`PAGES` entry a page source path such as ``towns/a/b/index.md`` is, if any."""
    return next((name for name, rx in _PAGE_SOURCES.items() if rx.match(path)), None)


def file_kind(path: str) -> str | None:
    """Which :data:`FILES` entry a generated file path is, if any."""
    return next((name for name, rx in _FILES.items() if rx.match(path)), None)


# Addresses the site engine writes itself (theme assets, search index, sitemap, error page).
ENGINE_FOLDERS = ("assets", "search")
SEARCH_PART = "search/towns/{town}.json"
ENGINE_FILES = ("404.html", "sitemap.xml", "sitemap.xml.gz")


def reserved() -> tuple[set[str], set[str]]:
    """Top-level folders and files the site generates (pages, files, media, the engine's own), which a
    hand-written ``content/`` file may not claim."""
    folders = {*ENGINE_FOLDERS}
    files = {source(HOME), DATA_SOURCE, *ENGINE_FILES}
    for pattern in [*PAGES.values(), *FILES.values()]:
        head, sep, _ = pattern.partition("/")
        if sep and not head.startswith("{"):
            folders.add(head)
        elif pattern and not sep:
            files.add(pattern)
    return folders, files
