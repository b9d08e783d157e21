"""The search index of a MkDocs build: Material's per-page entries taken from the content cache, and the
index rewritten as UTF-8, in parts for a city-sized district (:mod:`generator.engine.search_parts`)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import heap, urls
from generator.cache import cache_key, read_entry, write_entry
from generator.engine import search_parts
from generator.engine.mkdocs_search_parse import index_page

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.pages import Page

    from generator.context import SiteContext


def _plugin(config: MkDocsConfig) -> Any:
    return config.plugins.get("material/search") or config.plugins.get("search")


def search_index(config: MkDocsConfig) -> Any:
    """The search plugin's index of this build, or None without the plugin."""
    return getattr(_plugin(config), "search_index", None)


INDEX_CONFIG = ("lang", "separator", "pipeline", "fields")  # the plugin's options its index file states


def index_values(index: Any, docs: list[Any]) -> dict[str, Any]:
    """What the plugin's index file holds, as Python values (``SearchIndex.generate_search_index``)."""
    return {"config": {key: index.config[key] for key in INDEX_CONFIG}, "docs": docs}


SEGMENT_MEMO = 1 << 17  # distinct runs of Chinese characters kept segmented (a few MB)


def segment_once() -> None:
    """Segment each distinct run of Chinese characters once per process.

    The search plugin cuts every run of Han characters of every page with ``jieba.cut``, and the same
    runs come back on page after page (names, headings, the templates' own sentences).  A run's words
    depend on the run and jieba's dictionary alone, so they are kept (the search cache's key names
    jieba's version).  Only the plugin's call is kept: ``jieba.cut(text)`` with its defaults."""
    try:
        import jieba
    except ImportError:  # search then works without segmentation
        return
    if getattr(jieba.cut, "segments_once", False):
        return
    cut = jieba.cut

    @lru_cache(maxsize=SEGMENT_MEMO)
    def words(text: str | bytes) -> tuple[str, ...]:
        return tuple(cut(text))

    def cut_once(sentence: str | bytes, *args: Any, **kwargs: Any) -> Iterator[str]:
        return iter(words(sentence)) if not args and not kwargs else cut(sentence, *args, **kwargs)

    cut_once.segments_once = True  # type: ignore[attr-defined]
    jieba.cut = cut_once


SEARCH_CACHE_KIND = "search"
SEARCH_CACHE_VERSION = 2  # bump when what an entry is made of changes (2: HTML read by lxml)


def _index_page(add: Callable[[Page], None], page: Page) -> None:
    """The search plugin's own work for one page: parse its HTML, segment its Chinese (jieba)."""
    add(page)


def fast_add(index: Any) -> Callable[[Page], None]:
    """Material's ``add_entry_from_context``, its HTML read by lxml (:mod:`mkdocs_search_parse`)."""
    if not hasattr(index, "create_entry_for_section"):  # not Material's index: its own method
        return index.add_entry_from_context  # type: ignore[no-any-return]
    return lambda page: index_page(index, page)


def _toc_ids(items: Any) -> list[Any]:
    return [[item.id, item.url, str(item.title), _toc_ids(item.children)] for item in items]


def cache_search_entries(config: MkDocsConfig, cache_dir: Path | None) -> None:
    """Take a page's search entries from the content cache when its HTML, address, outline and
    metadata are those of a page indexed before (same search code, same jieba): the index is the
    same, without parsing and segmenting every unchanged page again."""
    from importlib.metadata import version

    index = search_index(config)
    if index is None:
        return
    versions = [SEARCH_CACHE_VERSION, version("mkdocs-material"), version("jieba"), version("lxml")]
    add = fast_add(index)

    def add_entry_from_context(page: Page) -> None:
        if cache_dir is None:
            _index_page(add, page)
            return
        meta = json.dumps({k: page.meta.get(k) for k in ("title", "tags", "search")}, default=str)
        key = cache_key(SEARCH_CACHE_KIND, versions, page.url, str(page.title), meta, _toc_ids(page.toc),
                        page.content or "")
        cached = read_entry(cache_dir, SEARCH_CACHE_KIND, key)
        entries = json.loads(cached[0]) if cached is not None and len(cached) == 1 else None
        if isinstance(entries, list):
            index.entries.extend(entries)
            return
        before = len(index.entries)
        _index_page(add, page)
        write_entry(cache_dir, SEARCH_CACHE_KIND, key,
                    [json.dumps(index.entries[before:], ensure_ascii=False, default=str).encode()])

    index.add_entry_from_context = add_entry_from_context


SearchParts = tuple[list[search_parts.Owner], list[str]]


def search_split(context: SiteContext) -> SearchParts | None:
    """Who owns which pages, for a search index in parts; None for a district small enough for one index."""
    communities = context.district.communities()
    if not search_parts.use_parts(len(communities)):
        return None
    owners = [search_parts.Owner(c.town_id, urls.community(c.town_id, c.id),
                                 tuple(urls.brand(b.id) for b in c.brands.brands)) for c in communities]
    return owners, [t.id for t in context.district.towns]


IndexData = Callable[[], dict[str, Any]]


def take_over_index(config: MkDocsConfig) -> IndexData | None:
    """Stop the search plugin from writing its index file when the build ends, and give what that file would
    hold, as the Python values it would be made of (its entries and options).  The plugin writes it with
    ``json.dumps(..., default=str)``, then :func:`compact_search_index` read it back; writing the parts from the
    values themselves (with ``default=str`` too) gives the same bytes, without a 25 MB file written, read and
    parsed at 2,000 communities.  None (the plugin writes its file) without the plugin, when it is disabled, or
    when it merges a previous build's index (``mkdocs serve --dirty``)."""
    search = _plugin(config)
    index = getattr(search, "search_index", None)
    if index is None or getattr(search, "search_index_prev", None) is not None or not search.config.get("enabled"):
        return None
    events = config.plugins.events["post_build"]
    own = [method for method in events if getattr(method, "__self__", None) is search]
    if len(own) != 1:
        return None
    events.remove(own[0])
    return lambda: index_values(index, index.entries)


def compact_search_index(site_dir: Path, search: SearchParts | None = None, data: IndexData | None = None) -> None:
    """Rewrite the search index as UTF-8 instead of ``\\uXXXX`` escapes (about half the bytes for Chinese
    text), in parts for a city-sized district (:mod:`generator.engine.search_parts`); through MkDocs's
    ``write_file``, as the build routes it (``mkdocs_writes``).  ``data``: the index the plugin did not write
    (:func:`take_over_index`)."""
    from mkdocs import utils

    with heap.paused():  # it makes every entry of the index anew, and they live until it is written
        search_parts.write(site_dir, *(search if search is not None else (None, [])), put=utils.write_file,
                           data=data() if data is not None else None)
