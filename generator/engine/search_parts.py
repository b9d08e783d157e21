"""The search index in parts, so that a search on a city-sized site downloads what the reader's town needs.

A resident's first search downloads the whole index (the theme fetches it when the search box is first
used).  At 2,000 communities that is about 2.4 MB gzipped, most of it the pledge, brand and score text of
communities the reader will never look for.  From ``PARTS_FROM`` communities on, the index is written in
parts:

* ``search/search_index.json`` (the theme's own address, used on every page outside a town): every page
  that is not a town's or one of its communities', in full, plus the title of every town page, community
  board and brand page, so a town, a community or a brand is found by name from anywhere;
* ``search/towns/<town>.json`` (fetched as well on the town's pages and its communities' pages): every
  entry of the town's own pages (``towns/<town>/…``) and of its communities' brand pages, in full.

A town's page searches the shared file's entries followed by its part's: the theme's search loader
(``main.html``) fetches both and hands the search worker one index, the same entries in the same order as if
one file held them.  A part holds nothing the shared file has, so renaming one community changes the shared
file and its own town's part, not every part (and a phone that searched in two towns fetched the shared file
once).  Smaller districts keep one index with everything.  Entries are the search plugin's, unchanged and in
the plugin's order; only which file holds them differs.  The part a page adds is named in its
``<meta name="dj-search-part">`` (``search_part``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import urls

PARTS_FROM = 60  # communities; below this one index holds everything
INDEX = "search/search_index.json"
PART = urls.SEARCH_PART


@dataclass(frozen=True)
class Owner:
    """Where a community's pages live, and its brands' pages (site-relative page URLs)."""

    town: str
    prefix: str  # towns/<town>/<community>/
    brands: tuple[str, ...]  # brands/<id>/


def is_index(rel: str) -> bool:
    """A file of the search index (the whole-site file or a town's part)."""
    return rel == INDEX or (rel.startswith("search/towns/") and rel.endswith(".json") and rel.count("/") == 2)


def use_parts(communities: int) -> bool:
    return communities >= PARTS_FROM


def search_part(page_url: str, towns: Iterable[str]) -> str | None:
    """The index part a page at ``page_url`` loads (site-relative), or None for the whole-site file."""
    parts = page_url.split("/")
    if len(parts) > 2 and parts[0] == "towns" and parts[1] in set(towns):
        return urls.search_part(parts[1])
    return None


def _page(location: str) -> str:
    return location.split("#", 1)[0]


def split(data: dict[str, Any], owners: list[Owner], towns: list[str]) -> dict[str, dict[str, Any]]:
    """The index files (site-relative path -> content) for the plugin's index ``data``."""
    by_prefix = {o.prefix: o for o in owners}
    by_brand = {b: o for o in owners for b in o.brands}
    shared: list[Any] = []
    own: dict[str, list[Any]] = {t: [] for t in towns}
    for doc in data["docs"]:
        location = str(doc.get("location", ""))
        page = _page(location)
        segments = page.split("/")
        owner = by_brand.get(page) or (by_prefix.get("/".join(segments[:3]) + "/") if len(segments) > 3 else None)
        town = owner.town if owner is not None else (segments[1] if segments[0] == "towns" and len(segments) > 2
                                                     else None)
        if town not in own:
            shared.append(doc)
            continue
        own[town].append(doc)
        named = page in (owner.prefix, *owner.brands) if owner is not None else page == urls.town(town)
        if location == page and named:
            shared.append({"location": location, "title": doc.get("title", ""), "text": ""})
    files = {INDEX: {"config": data["config"], "docs": shared}}
    for town in towns:
        files[urls.search_part(town)] = {"config": data["config"], "docs": own[town]}
    return files


def dump(data: dict[str, Any]) -> str:
    """UTF-8 JSON instead of ``\\uXXXX`` escapes: about half the bytes for Chinese text.  A value JSON has no
    form for is its ``str()``, as the search plugin writes it."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)


def write(site_dir: Path, owners: list[Owner] | None, towns: list[str], put: Callable[[bytes, str], None],
          data: dict[str, Any] | None = None) -> None:
    """Rewrite the plugin's index at ``site_dir`` compactly; in parts when ``owners`` is given.  ``put``
    writes a file (bytes, path): the build's writer, which links a file equal to the published one.  ``data``:
    the index's values, when the plugin did not write its file."""
    if data is None:
        path = site_dir / INDEX
        if not path.is_file():
            return
        data = json.loads(path.read_text(encoding="utf-8"))
    files = split(data, owners, towns) if owners is not None else {INDEX: data}
    for rel, content in files.items():
        put(dump(content).encode("utf-8"), str(site_dir / rel))
