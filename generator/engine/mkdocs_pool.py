"""MkDocs's page stage on every core: the theme's templates, the search plugin's indexing, our post-page
hooks and the writing of each page, on forked workers for a large site.

MkDocs builds a site in two passes over its pages: it reads every page and turns its Markdown into HTML
(``_populate_page``), then renders every page's template and writes it (``_build_page``).  The second
pass is about three quarters of the engine's time on a city-sized district (Material's templates, and
the search plugin parsing each page's HTML and segmenting its Chinese with jieba), and each page's share
of it depends only on what the first pass left: the navigation, every page's title and HTML.

:func:`pages_on_workers` patches ``_build_page`` for one build.  Its first call (MkDocs passes every
page it is about to build) builds all of them on forked workers, in contiguous runs of pages of about
equal HTML size; the later calls find their page built.  Each worker writes its pages' files itself and
sends back, per run, the search entries its pages added and the log records they raised.  They are
taken in page order, so the search index and the log are those of a serial build, and so are the files
(``tests/test_reproducible.py``).  Any failure in a worker discards the pool's work (its files are
written again) and the pages are built in this process, where the failure raises as in a serial build.

The pool is the render pool's (:func:`generator.pages.parallel.workers_wanted`, ``DANGJIAN_WORKERS``):
serial for small districts, for ``DANGJIAN_WORKERS=1`` and in a process running other threads (the
preview server).
"""

from __future__ import annotations

import gc
import logging
import multiprocessing as mp
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from generator.engine.mkdocs_search import search_index

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File

RUNS_PER_WORKER = 4  # more runs than workers: a worker that finishes early takes the next one

BuildPage = Callable[..., None]


@dataclass
class RunResult:
    """What one run of pages left that the parent must keep: search entries and log records, in order."""

    entries: list[Any] = field(default_factory=list)
    records: list[tuple[str, int, str]] = field(default_factory=list)  # logger, level, message
    pages: int = 0
    failed: bool = False


@dataclass
class _Job:
    build_page: BuildPage
    files: Sequence[File]
    args: tuple[Any, ...]  # config, doc_files, nav, env, dirty
    index: Any  # the search plugin's index, or None


_JOB: list[_Job] = []  # the pool's job, inherited by its forked workers
_WORKER: list[bool] = []  # set in a worker


def in_worker() -> bool:
    """Whether this process is one of the pool's workers (its pages' progress is told by the parent)."""
    return bool(_WORKER)


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.INFO:
            self.records.append((record.name, record.levelno, record.getMessage()))


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
    try:
        for file in job.files[start:end]:
            job.build_page(file.page, *job.args, excluded=file.inclusion.is_excluded())
            result.pages += 1
    except Exception:  # the parent builds serially, and the failure raises there
        result.failed = True
    finally:
        logger.handlers, logger.propagate = handlers, propagate
    if job.index is not None:
        result.entries = job.index.entries[before:]
    result.records = capture.records
    return result


def runs(files: Sequence[File], count: int) -> list[tuple[int, int]]:
    """At most ``count`` contiguous ``(start, end)`` runs of ``files`` of about equal HTML size."""
    sizes = [len(f.page.content or "") + 1 if f.page is not None else 1 for f in files]
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
    spans = runs(job.files, workers * RUNS_PER_WORKER)
    if job.index is not None:
        _load_jieba()
    _JOB[:] = [job]
    results: list[RunResult] = []
    try:
        with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
            gc.freeze()  # the workers' collections leave the shared heap alone: no copy-on-write of it
            try:
                futures = [pool.submit(_build_run, start, end) for start, end in spans]
            finally:
                gc.unfreeze()
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
        if job.index is not None:
            job.index.entries.extend(result.entries)
        for name, level, message in result.records:
            logging.getLogger(name).log(level, "%s", message)
    return True


@contextmanager
def pages_on_workers(workers: int, progress: Callable[[int], None] | None = None) -> Iterator[None]:
    """Within this block, MkDocs builds its pages on ``workers`` forked workers (``workers`` < 2, another
    thread running or no ``fork``: as it always does).  ``progress`` gets the pages built so far after
    each run."""
    from mkdocs.commands import build as mk_build

    original: BuildPage = mk_build._build_page
    if workers < 2 or "fork" not in mp.get_all_start_methods() or threading.active_count() > 1:
        yield
        return
    built: set[str] | None = None

    def build_page(page: Any, config: MkDocsConfig, doc_files: Sequence[File], nav: Any, env: Any,
                   dirty: bool = False, excluded: bool = False) -> None:
        nonlocal built
        if built is None:
            job = _Job(original, list(doc_files), (config, doc_files, nav, env, dirty), search_index(config))
            built = {f.src_uri for f in job.files} if _in_pool(job, workers, progress) else set()
        if page.file.src_uri not in built:
            original(page, config, doc_files, nav, env, dirty, excluded)

    mk_build._build_page = build_page
    try:
        yield
    finally:
        mk_build._build_page = original
