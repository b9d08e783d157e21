"""MkDocs's page stage on every core: the theme's templates, the search plugin's indexing, our post-page
hooks and the writing of each page, on forked workers for a large site.

MkDocs builds a site in two passes over its pages: it reads every page and turns its Markdown into HTML
(``_populate_page``), then renders every page's template and writes it (``_build_page``).  A page's
template needs of the other pages only what the navigation shows: their titles and addresses.  When
every page's title is known without its HTML (given by the nav, or the page is outside the nav, where
no other page shows it), the Markdown of a page is turned into HTML on the worker that builds it:

* the first pass, in this process, reads each page's front matter only, and runs ``read`` on it (the
  adapter's: the sitemap's date and the escaped metadata the navigation may show); it keeps no Markdown;
* :func:`pages_on_workers` patches ``_build_page`` for one build.  Its first call (MkDocs passes every
  page it is about to build) builds all of them on forked workers, in contiguous runs of pages of about
  equal Markdown size; the later calls find their page built.  Each worker runs MkDocs's own first pass
  for its pages (the ``page_markdown`` hooks, the Markdown, the ``page_content`` hooks), then builds
  them and writes their files itself, and sends back, per run, the search entries its pages added, the
  log records they raised (those of the first pass apart from those of the second) and each page's
  anchors (what MkDocs checks links to anchors against once every page is built).

This process never holds the Markdown or the HTML of every page, and the Markdown pass runs on every
core.  Results are taken in page order, so the search index and the log are those of a serial build (the
first pass's records first), and so are the files (``tests/test_reproducible.py``).  Any failure in a
worker discards the pool's work (its files are written again) and the pages are rendered and built in
this process, where the failure raises as in a serial build.

The pool is the render pool's (:func:`generator.pages.parallel.workers_wanted`, ``DANGJIAN_WORKERS``):
serial for small districts, for ``DANGJIAN_WORKERS=1`` and in a process running other threads (the
preview server).
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing as mp
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import heap
from generator.engine import mkdocs_writes
from generator.engine.mkdocs_page_cache import Built, PageCache
from generator.engine.mkdocs_search import search_index

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.pages import Page

RUNS_PER_WORKER = 4  # more runs than workers: a worker that finishes early takes the next one

BuildPage = Callable[..., None]
Record = tuple[str, int, str]  # logger, level, message
# A page rendered on a worker: its index in the job, anchors it has, links it makes to other files'
# anchors ({target src_uri: {anchor: link}}), and the title its first heading gave.
Anchors = tuple[int, list[str] | None, dict[str, dict[str, str]] | None, str | None]


@dataclass
class RunResult:
    """What one run of pages left that the parent must keep: search entries, log records and anchors."""

    entries: list[Any] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)  # the template pass's
    read_records: list[Record] = field(default_factory=list)  # the Markdown pass's
    anchors: list[Anchors] = field(default_factory=list)
    pages: int = 0
    failed: bool = False
    claimed: list[str] = field(default_factory=list)  # files of a reused tree its pages wrote (``reused_tree``)


@dataclass
class _Job:
    build_page: BuildPage
    files: Sequence[File]
    args: tuple[Any, ...]  # config, doc_files, nav, env, dirty
    index: Any  # the search plugin's index, or None
    render: Callable[[Page], None] | None = None  # a page's Markdown pass, left for its worker
    deferred: Mapping[str, int] = field(default_factory=dict)  # those pages: src_uri -> Markdown length
    cache: PageCache | None = None  # pages built before (for the deferred pages)
    untrusted: frozenset[str] = frozenset()  # hand-written pages (sanitised): part of a page's cache key


_JOB: list[_Job] = []  # the pool's job, inherited by its forked workers
_WORKER: list[bool] = []  # set in a worker


def in_worker() -> bool:
    """Whether this process is one of the pool's workers (its pages' progress is told by the parent)."""
    return bool(_WORKER)


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[Record] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.INFO:
            self.records.append((record.name, record.levelno, record.getMessage()))


def _anchors(index: int, page: Page) -> Anchors:
    links = page.links_to_anchors
    return (index, sorted(page.present_anchor_ids) if page.present_anchor_ids is not None else None,
            {f.src_uri: dict(v) for f, v in links.items()} if links is not None else None, page._title_from_render)


def _render_on_worker(job: _Job, index: int, file: File, result: RunResult, capture: _Capture) -> None:
    """The Markdown pass of a page left for its worker; its log records apart from the template pass's."""
    if job.render is None or file.src_uri not in job.deferred or file.page is None:
        return
    records, capture.records = capture.records, result.read_records
    try:
        job.render(file.page)
    finally:
        capture.records = records
    result.anchors.append(_anchors(index, file.page))


def _build_run(start: int, end: int) -> RunResult:
    """Worker: build pages ``start:end``; its log goes to the result, not to the inherited handlers."""
    job = _JOB[0]
    _WORKER[:] = [True]
    result = RunResult()
    capture = _Capture()
    logger = logging.getLogger("mkdocs")
    handlers, propagate = logger.handlers[:], logger.propagate
    logger.handlers, logger.propagate = [capture], False
    before = len(job.index.entries) if job.index is not None else 0
    writer = mkdocs_writes.active()
    claimed = len(writer.claimed) if writer is not None else 0
    try:
        for index in range(start, end):
            file = job.files[index]
            key = _cache_key(job, file)
            if key is None or not _from_cache(job, key, index, file, result, capture):
                marks = (len(result.read_records), len(capture.records), len(result.anchors),
                         len(job.index.entries) if job.index is not None else 0)
                _render_on_worker(job, index, file, result, capture)
                job.build_page(file.page, *job.args, excluded=file.inclusion.is_excluded())
                if key is not None:
                    _to_cache(job, key, file, result, capture, marks)
            result.pages += 1
    except Exception:  # the parent builds serially, and the failure raises there
        result.failed = True
    finally:
        logger.handlers, logger.propagate = handlers, propagate
    if job.index is not None:
        result.entries = job.index.entries[before:]
    result.records = capture.records
    if writer is not None:
        result.claimed = writer.claimed[claimed:]
    return result


def _cache_key(job: _Job, file: File) -> str | None:
    """The page cache's key for a page whose Markdown pass is this worker's; None: build it, keep nothing."""
    if job.cache is None or job.render is None or file.src_uri not in job.deferred or file.page is None:
        return None
    return job.cache.key(file.src_uri, file.src_uri in job.untrusted, file.content_bytes)


def _from_cache(job: _Job, key: str, index: int, file: File, result: RunResult, capture: _Capture) -> bool:
    """Put a page built before in place (its file, search entries, log records and anchors); False: not kept."""
    from mkdocs import utils

    cache = job.cache
    assert cache is not None
    built = cache.get(key)
    if built is None or (built.entries and job.index is None):
        return False
    if built.html is not None:
        digest, dest = built.html, file.abs_dest_path
        writer = mkdocs_writes.active()
        if writer is not None:
            if not writer.write_known(digest, dest, lambda: cache.html(digest)):
                return False
        else:
            html = cache.html(digest)
            if html is None:
                return False
            utils.write_file(html, dest)
    if job.index is not None:
        job.index.entries.extend(built.entries)
    result.read_records.extend(built.read_records)
    capture.records.extend(built.records)
    result.anchors.append((index, built.anchors, built.links, built.title))
    return True


def _to_cache(job: _Job, key: str, file: File, result: RunResult, capture: _Capture,
              marks: tuple[int, int, int, int]) -> None:
    """Keep what building this page gave, for the next build."""
    assert job.cache is not None
    read_from, records_from, anchors_from, entries_from = marks
    if len(result.anchors) != anchors_from + 1:  # its Markdown pass did not run here: nothing to keep
        return
    _, present, links, title = result.anchors[-1]
    try:
        html: bytes | None = Path(file.abs_dest_path).read_bytes()
    except FileNotFoundError:
        html = None
    entries = job.index.entries[entries_from:] if job.index is not None else []
    digest = hashlib.sha256(html).hexdigest() if html is not None else None
    job.cache.put(key, Built(digest, entries, result.read_records[read_from:], capture.records[records_from:],
                             present, links, title), html)


def runs(files: Sequence[File], count: int, deferred: Mapping[str, int] | None = None) -> list[tuple[int, int]]:
    """At most ``count`` contiguous ``(start, end)`` runs of ``files`` of about equal size (the HTML of a
    page, or the Markdown of one left for its worker: ``deferred``)."""
    left = deferred or {}
    sizes = [(left[f.src_uri] if f.src_uri in left else len(f.page.content or "")) + 1 if f.page is not None else 1
             for f in files]
    total = sum(sizes)
    out: list[tuple[int, int]] = []
    start = done = 0
    for i, size in enumerate(sizes):
        done += size
        if done * count >= total * (len(out) + 1) and i + 1 < len(files):
            out.append((start, i + 1))
            start = i + 1
    out.append((start, len(files)))
    return [r for r in out if r[0] < r[1]]


def _load_jieba() -> None:
    """Load jieba's dictionary here, once, rather than in every worker (it loads on first use)."""
    try:
        import jieba
    except ImportError:  # the search plugin then indexes without segmentation
        return
    jieba.initialize()


def _in_pool(job: _Job, workers: int, progress: Callable[[int], None] | None) -> bool:
    """Build every page of ``job`` on ``workers`` forked workers; False if any run failed."""
    spans = runs(job.files, workers * RUNS_PER_WORKER, job.deferred)
    if job.index is not None:
        _load_jieba()
    _JOB[:] = [job]
    results: list[RunResult] = []
    try:
        with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
            with heap.frozen():  # the workers' collections leave the shared heap alone: no copy-on-write of it
                futures = [pool.submit(_build_run, start, end) for start, end in spans]
            done = 0
            for future in futures:
                results.append(future.result())
                if progress is not None:
                    progress(done + results[-1].pages)
                done += results[-1].pages
    except Exception:  # a worker died: build here
        return False
    finally:
        _JOB.clear()
    if any(r.failed for r in results):
        return False
    for result in results:
        for name, level, message in result.read_records:
            logging.getLogger(name).log(level, "%s", message)
    writer = mkdocs_writes.active()
    for result in results:
        if writer is not None:
            writer.forget(result.claimed)
        _keep_anchors(job, result.anchors)
        if job.index is not None:
            job.index.entries.extend(result.entries)
        for name, level, message in result.records:
            logging.getLogger(name).log(level, "%s", message)
    return True


def _keep_anchors(job: _Job, anchors: list[Anchors]) -> None:
    """What MkDocs's anchor check needs of a page rendered on a worker (its HTML is not kept here)."""
    by_uri = {f.src_uri: f for f in job.files}
    for index, present, links, title in anchors:
        page = job.files[index].page
        if page is None:
            continue
        page.present_anchor_ids = set(present) if present is not None else None
        page.links_to_anchors = ({by_uri[uri]: v for uri, v in links.items() if uri in by_uri}
                                 if links is not None else None)
        page._title_from_render = title


def _title_known(file: File) -> bool:
    """Whether a page's title is known before its Markdown is rendered: given by the nav, or the page is
    outside the nav (only its own template shows its title)."""
    page = file.page
    return page is None or "title" in vars(page) or (page.parent is None and page.previous_page is None
                                                      and page.next_page is None)


@contextmanager
def pages_on_workers(workers: int, progress: Callable[[int], None] | None = None,
                     read: Callable[[Page], None] | None = None, cache: PageCache | None = None,
                     untrusted: frozenset[str] = frozenset()) -> Iterator[None]:
    """Within this block, MkDocs builds its pages on ``workers`` forked workers (``workers`` < 2, another
    thread running or no ``fork``: as it always does).  ``progress`` gets the pages built so far after
    each run.  ``read`` is what this process must know of a page whose Markdown pass is left for its
    worker, once its front matter is read (the sitemap's date, escaped metadata for the nav).  With
    ``cache`` (its site version; ``untrusted``: the hand-written pages), a page left for its worker that
    was built before with the same inputs is taken from the page cache (``mkdocs_page_cache``)."""
    from mkdocs.commands import build as mk_build

    original: BuildPage = mk_build._build_page
    original_populate: Callable[..., None] = mk_build._populate_page
    if workers < 2 or "fork" not in mp.get_all_start_methods() or threading.active_count() > 1:
        yield
        return
    built: set[str] | None = None
    defer: bool | None = None  # decided at the first page, for all of them
    deferred: dict[str, int] = {}  # src_uri -> its Markdown's length, of the pages left for the workers
    all_files: list[Files] = []

    def populate_page(page: Page, config: MkDocsConfig, files: Files, dirty: bool = False) -> None:
        nonlocal defer
        if defer is None:
            defer = not dirty and all(_title_known(f) for f in files.documentation_pages())
            all_files.append(files)
        if not defer:
            original_populate(page, config, files, dirty)
            return
        try:
            page.read_source(config)
            if read is not None:
                read(page)
        except Exception:  # MkDocs's own pass for this page: it raises and logs as a serial build does
            original_populate(page, config, files, dirty)
            return
        deferred[page.file.src_uri] = len(page.markdown or "")
        page.markdown = ""  # the worker reads the page again: this process keeps its metadata only

    def build_page(page: Any, config: MkDocsConfig, doc_files: Sequence[File], nav: Any, env: Any,
                   dirty: bool = False, excluded: bool = False) -> None:
        nonlocal built
        files = all_files[0] if all_files else None
        if built is None:
            render = (lambda p: original_populate(p, config, files)) if files is not None else None
            kept = cache.for_files(f.src_uri for f in files) if cache is not None and files is not None else None
            job = _Job(original, list(doc_files), (config, doc_files, nav, env, dirty), search_index(config),
                       render, dict(deferred), kept, untrusted)
            built = {f.src_uri for f in job.files} if _in_pool(job, workers, progress) else set()
        if page.file.src_uri not in built:
            if page.file.src_uri in deferred and page.content is None and files is not None:
                original_populate(page, config, files)
            original(page, config, doc_files, nav, env, dirty, excluded)

    mk_build._build_page = build_page
    mk_build._populate_page = populate_page
    try:
        yield
    finally:
        mk_build._build_page = original
        mk_build._populate_page = original_populate
