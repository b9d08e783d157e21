"""The engine's memory across builds: a page whose inputs are those of a page built before is not built again.

MkDocs turns a page's Markdown into HTML and renders the theme's template around it; what comes out depends
on the page's own source (front matter and Markdown), its address, whether it is a hand-written page (which
is sanitised), and on the site: the MkDocs configuration (the nav, the theme's options, ``extra``), the
theme's files, which files the site has (a link to a page or file is rewritten only when it exists), the
``--as-of`` date (the templates' build date), our engine code and the versions of the libraries.  The last
group is one *site version* (:func:`site_version`); an entry's key is that version with the page's address,
kind and source, so an entry is never stale, only unused: one community's edit misses that community's
pages and the pages that list it, and a change to the nav, the theme or the file list misses every page.

An entry holds what the build keeps of the page: the SHA-256 of the HTML file's bytes (or that none was
written), the search entries the page added, the log records of its two passes, and its anchors and links to
other pages' anchors (what MkDocs's anchor check reads once every page is built), and the title its first
heading gave.  The HTML itself is an entry of its own, under a key made from that digest: a page whose
published file is still the one the output check verified with that digest is a link to it, and its HTML is
not even read (``linked_files.LinkingWriter.write_known``); a page whose HTML is the same in two versions of
the code is stored once.  It is used by the engine's pool only (``mkdocs_pool``), for the pages whose Markdown pass is
left to the workers; a small site builds serially and does not need it.  ``DANGJIAN_NO_CACHE`` turns it
off like every other part of the content cache (``generator/cache.py``).  A build touches every entry it
uses, and a build that succeeded removes the entries that no build used for a week (``cache.prune``): each
version of the code and each edit adds entries, ~40 KB a page (less when the HTML did not change).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from generator.cache import cache_key, entry_path, prune, read_entry, read_used, touch, write_entry

KIND = "pages"
FORMAT = 2  # bump when an entry's layout or meaning changes
PACKAGE = Path(__file__).resolve().parents[1]
# Our code that shapes a page's HTML: the engine modules (hooks, hardening, nav, search) and the Markdown
# extension and sanitiser they install.
SOURCES = (*sorted(p.relative_to(PACKAGE).as_posix() for p in (PACKAGE / "engine").glob("*.py")),
           "pages/markup.py")
LIBRARIES = ("mkdocs", "mkdocs-material", "Markdown", "pymdown-extensions", "Jinja2", "MarkupSafe", "nh3", "lxml",
             "jieba", "PyYAML", "Pygments", "babel")

Record = tuple[str, int, str]


def _library(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return ""


def _tree(folder: Path) -> list[tuple[str, bytes]]:
    return [(p.relative_to(folder).as_posix(), p.read_bytes()) for p in sorted(folder.rglob("*")) if p.is_file()]


def site_version(config: str, theme: Path, as_of: str) -> str:
    """Everything but the page itself and the site's file list that changes a page's HTML (see the module)."""
    theme_files = _tree(theme)
    return cache_key(KIND, FORMAT, sys.version, [_library(n) for n in LIBRARIES], list(SOURCES),
                     *((PACKAGE / rel).read_bytes() for rel in SOURCES), [rel for rel, _ in theme_files],
                     *(data for _, data in theme_files), config, as_of)


@dataclass(frozen=True)
class Built:
    """What the build keeps of one page (see the module)."""

    html: str | None  # the SHA-256 (hex) of the HTML file's bytes; None: MkDocs wrote no file
    entries: list[Any]
    read_records: list[Record]
    records: list[Record]
    anchors: list[str] | None
    links: dict[str, dict[str, str]] | None
    title: str | None


@dataclass(frozen=True)
class PageCache:
    """The cache folder and the version of one build's site (with its file list)."""

    folder: Path
    version: str

    def for_files(self, uris: Iterable[str]) -> PageCache:
        """This cache for a site of exactly these files (the docs-relative paths of all its files)."""
        return PageCache(self.folder, cache_key(self.version, sorted(uris)))

    def key(self, src_uri: str, untrusted: bool, source: bytes) -> str:
        """The key of the page at ``src_uri`` whose source file holds ``source``."""
        return cache_key(self.version, src_uri, untrusted, hashlib.sha256(source).digest())

    def get(self, key: str) -> Built | None:
        blobs, marked = read_used(self.folder, KIND, key)  # used: pruning keeps it
        if blobs is None or len(blobs) != 1:
            return None
        try:
            meta = json.loads(blobs[0])
            html = meta["html"]
            if not (html is None or isinstance(html, str)):
                return None
            built = Built(html, list(meta["entries"]), [_record(r) for r in meta["read_records"]],
                          [_record(r) for r in meta["records"]], meta["anchors"], meta["links"], meta["title"])
        except (ValueError, KeyError, TypeError):
            return None
        if marked and html is not None:  # and its HTML (read or not), marked with it (so never before it)
            touch(entry_path(self.folder, KIND, _html_key(html)))
        return built

    def html(self, digest: str) -> bytes | None:
        """The HTML whose SHA-256 is ``digest``; None: not kept, or damaged (then removed)."""
        key = _html_key(digest)
        blobs = read_entry(self.folder, KIND, key)
        if blobs is None or len(blobs) != 1 or hashlib.sha256(blobs[0]).hexdigest() != digest:
            with contextlib.suppress(OSError):  # damaged: gone, so that the page's next build stores it again
                entry_path(self.folder, KIND, key).unlink(missing_ok=True)
            return None
        return blobs[0]

    def prune(self) -> int:
        """Remove the pages no build has used for a week (``cache.KEEP_DAYS``); how many went."""
        return prune(self.folder, KIND)

    def put(self, key: str, built: Built, html: bytes | None) -> None:
        """Keep ``built`` under ``key``, and ``html`` (the bytes whose digest ``built.html`` is) unless kept."""
        if html is not None:
            assert built.html == hashlib.sha256(html).hexdigest()
            path = entry_path(self.folder, KIND, _html_key(built.html))
            if path.is_file():
                touch(path)
            else:
                write_entry(self.folder, KIND, _html_key(built.html), [html])
        meta = {"html": built.html, "entries": built.entries, "read_records": built.read_records,
                "records": built.records, "anchors": built.anchors, "links": built.links, "title": built.title}
        write_entry(self.folder, KIND, key, [json.dumps(meta, ensure_ascii=False, default=str).encode()])


def _html_key(digest: str) -> str:
    return cache_key("html", digest)


def _record(value: Any) -> Record:
    name, level, message = value
    if not (isinstance(name, str) and isinstance(level, int) and isinstance(message, str)):
        raise TypeError("not a log record")
    return name, level, message
