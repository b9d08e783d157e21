"""Rendering a large district on every core: community pages on forked workers, sharded by town.

``registry.render_site`` asks :func:`plan` how to split the district.  When the district has
:data:`POOL_FROM` communities or more and the machine two cores or more, the towns are grouped into
shards of about equal community counts (whole towns, in district order); each shard's community
pages are rendered by a worker of a fork-based process pool, while this process renders the
site-wide pages.  The workers are forked after the views (``site_views``) are worked out, so they
share them with this process instead of computing them again; each sends back only its pages.

Same bytes, same order: every part records where each producer's pages, files and log entries end
(:class:`Part`), and :func:`merge` lays them out producer by producer, the site-wide part first and
then the shards in district order.  That is the order of a serial build as long as each producer
writes its site-wide pages before its communities' pages, and those in district order (town by town;
within a town any order, since a town is never split).  ``tests/test_render_parallel.py`` holds every
producer to it.

A part that fails (a producer raises, a worker dies) makes :func:`render_in_pool` give up, and the
caller renders serially: the exception, the log and the traceback are then exactly those of a
serial build, and a failure of the pool itself (a worker killed) costs time but not the build.

``DANGJIAN_WORKERS`` (:data:`WORKERS_ENV`) sets the number of worker processes: ``1`` renders in this
process; ``N`` >= 2 uses N workers whatever the district's size and the machine's cores (tests).
Unset, empty or not a positive whole number: as many workers as cores (at most :data:`MAX_WORKERS`)
for districts of :data:`POOL_FROM` communities or more.  A process that runs other threads (the
preview server) always renders serially: forking it could leave a lock held in the child.
"""

from __future__ import annotations

import itertools
import multiprocessing as mp
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from generator import heap
from generator.pages.output import Output, Scope, Spooled
from generator.pages.views import site_views

if TYPE_CHECKING:
    from generator.context import SiteContext
    from generator.records.model import Town

WORKERS_ENV = "DANGJIAN_WORKERS"
POOL_FROM = 40  # communities; below this, forking and sending pages back costs more than it saves
MAX_WORKERS = 8
SHARDS_PER_WORKER = 3  # more shards than workers: a worker that finishes early takes the next one


@dataclass(frozen=True)
class Mark:
    """How many pages, files, errors and warnings an output held when a producer finished."""

    pages: int = 0
    files: int = 0
    errors: int = 0
    warnings: int = 0

    @classmethod
    def of(cls, output: Output) -> Mark:
        return cls(len(output.pages), len(output.files), len(output.log.errors), len(output.log.warnings))


@dataclass
class Part:
    """One share of the site, rendered with every producer in turn, and where each producer's share ends."""

    output: Output
    marks: list[Mark] = field(default_factory=list)


RenderPart = Callable[["SiteContext", Scope], Part]


def cpus() -> int:
    """Cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def workers_wanted(communities: int) -> int:
    """Worker processes for a district of ``communities`` (1: render in this process)."""
    value = os.environ.get(WORKERS_ENV, "").strip()
    if value.isdigit() and int(value) >= 1:
        return int(value)
    if communities < POOL_FROM:
        return 1
    return min(cpus(), MAX_WORKERS)


def shards(towns: Sequence[Town], count: int) -> list[frozenset[str]]:
    """At most ``count`` groups of whole towns, in district order, of about equal community counts.

    Each group is the set of its communities' keys; towns without communities join no group.
    """
    total = sum(len(t.communities) for t in towns)
    groups: list[list[str]] = []
    done = 0
    for town in towns:
        if not town.communities:
            continue
        # A town whose middle lies past the end of the current group's share starts the next group.
        if not groups or done + len(town.communities) / 2 > total * len(groups) / count:
            groups.append([])
        groups[-1].extend(c.key for c in town.communities)
        done += len(town.communities)
    return [frozenset(g) for g in groups]


def plan(context: SiteContext) -> tuple[int, list[frozenset[str]]]:
    """Workers and shards for rendering ``context``; fewer than two shards means a serial render.

    The district's size decides, not how many of its towns are stored (``share_store``): a warm build of a
    large district still renders its site-wide pages, which the workers share (``render_in_pool``)."""
    district = context.district
    n = workers_wanted(len(district.communities()))
    if n < 2 or "fork" not in mp.get_all_start_methods():
        return 1, []
    if threading.active_count() > 1:  # forking a process with other threads can deadlock the child
        return 1, []
    parts = shards(district.towns, n * SHARDS_PER_WORKER)
    return (min(n, len(parts)), parts) if len(parts) >= 2 else (1, [])


# --- the workers ---------------------------------------------------------------------------------------

_WORKER: dict[str, object] = {}


def _adopt(context: SiteContext, render_part: RenderPart, spool: Path | None) -> None:
    """Worker start: keep the parent's context (inherited through fork, never pickled)."""
    _WORKER["context"], _WORKER["render_part"], _WORKER["spool"] = context, render_part, spool


def _render_share(scope: Scope) -> Part:
    render_part: RenderPart = _WORKER["render_part"]  # type: ignore[assignment]
    context: SiteContext = _WORKER["context"]  # type: ignore[assignment]
    part = render_part(context, scope)
    spool = _WORKER["spool"]
    if isinstance(spool, Path):
        spool_part(part, spool)
    return part


_NAMES = itertools.count()


def spool_part(part: Part, spool: Path) -> None:
    """Write a part's pages and files into one pack file under ``spool`` and keep only where each one is (in
    the same order, so the part's marks still count them): a worker then sends back positions, not every
    page's text, and the building process never holds the community pages at all.  A page is its text in
    UTF-8, read back as the very same text (``engine/mkdocs_spool.py``)."""
    output = part.output
    pages, output.pages = output.pages, {}
    files, output.files = output.files, {}
    if not pages and not files:
        return
    pack = spool / f"{os.getpid()}-{next(_NAMES)}.pack"
    where, offset = str(pack), 0
    with open(pack, "xb") as out:
        for page, items in ((True, ((p, t.encode("utf-8")) for p, t in pages.items())), (False, files.items())):
            for path, data in items:
                out.write(data)
                output.add_spooled(path, Spooled(where, offset, len(data)), page=page)
                offset += len(data)


def render_in_pool(context: SiteContext, workers: int, shard_keys: list[frozenset[str]],
                   render_part: RenderPart, spool: Path | None = None,
                   site: Sequence[Scope] = (Scope(frozenset(), site_wide=True),)) -> Output | None:
    """The whole site: ``shard_keys`` on ``workers`` forked workers, the site-wide pages in the shares ``site``
    (shares of whole producers, :attr:`Scope.producers`, that together run every producer once): the first
    here, the others on the workers, before the shards.  The output's nav is the first share's (a share of some
    producers has none: the caller makes it from the whole output).

    With ``spool`` (an existing, empty folder that outlives the output), every part's pages and files are
    written there (:func:`spool_part`; by the workers for theirs) and the output refers to them.
    ``None`` when any part failed (the caller then renders serially, which raises what failed).
    """
    site_views(context)  # worked out once, before the fork, and shared with the workers
    pool = ProcessPoolExecutor(workers, mp_context=mp.get_context("fork"), initializer=_adopt,
                               initargs=(context, render_part, spool))
    try:
        # Frozen objects are left alone by the workers' garbage collector, so its passes do not
        # touch (and copy) every page of memory they share with this process.
        with heap.frozen():
            futures: list[Future[Part]] = [pool.submit(_render_share, scope) for scope in site[1:]]
            futures += [pool.submit(_render_share, Scope(keys, site_wide=False)) for keys in shard_keys]
        here = render_part(context, site[0])
        if spool is not None:  # the site-wide share too: this process keeps only where its pages are
            spool_part(here, spool)
        parts = [f.result() for f in futures]
    except Exception:  # any failure: the serial render says what it was
        return None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    # Producer by producer, a site-wide share holds all of a producer's pages or none: the shares in any order
    # give the serial order, as long as they all come before the communities' shares.
    return merge([here, *parts])


def combine(parts: list[Part]) -> Part:
    """One part from ``parts`` of consecutive towns (in district order): :func:`merge`, with each producer's
    share ending where the parts' shares end together."""
    marks = [Mark(sum(p.marks[i].pages for p in parts), sum(p.marks[i].files for p in parts),
                  sum(p.marks[i].errors for p in parts), sum(p.marks[i].warnings for p in parts))
             for i in range(len(parts[0].marks))]
    if any(p.output.spooled or p.output.spooled_files for p in parts) and any(
            p.output.pages or p.output.files for p in parts):
        parts = [_held(p) for p in parts]  # one part, one kind: all of it in memory (see merge)
    out = merge(parts)
    out.scope = Scope(frozenset().union(*(p.output.scope.communities or () for p in parts)), site_wide=False)
    return Part(out, marks)


def _held(part: Part) -> Part:
    """``part`` with its spooled pages and files read into memory, in their order."""
    out = part.output
    pages = {path: where.read().decode("utf-8") for path, where in out.spooled.items()}
    files = {path: where.read() for path, where in out.spooled_files.items()}
    held = Output(pages={**out.pages, **pages}, files={**out.files, **files}, nav=out.nav, untrusted=out.untrusted,
                  log=out.log, scope=out.scope)
    return Part(held, part.marks)


def merge(parts: list[Part]) -> Output:
    """One output from ``parts`` (the site-wide one first, then the shards in district order).

    Producer by producer, each part's share in turn: a serial render's order (see the module's doc).
    A path written by two parts is a producer that ignores its output's scope, and raises.
    """
    out = Output()
    # A part's pages are all in memory or all spooled (``spool_part``), and so are its files.
    pages = [list(p.output.pages.items()) for p in parts]
    files = [list(p.output.files.items()) for p in parts]
    spooled = [list(p.output.spooled.items()) for p in parts]
    spooled_files = [list(p.output.spooled_files.items()) for p in parts]
    before = [Mark()] * len(parts)
    for i in range(len(parts[0].marks)):
        for k, part in enumerate(parts):
            start, end = before[k], part.marks[i]
            for path, text in pages[k][start.pages:end.pages]:
                out.add_page(path, text)
            for path, where in spooled[k][start.pages:end.pages]:
                out.add_spooled(path, where, page=True)
            for path, data in files[k][start.files:end.files]:
                out.add_file(path, data)
            for path, where in spooled_files[k][start.files:end.files]:
                out.add_spooled(path, where, page=False)
            out.log.errors.extend(part.output.log.errors[start.errors:end.errors])
            out.log.warnings.extend(part.output.log.warnings[start.warnings:end.warnings])
            before[k] = end
    for part in parts:
        out.untrusted.update(part.output.untrusted)
    out.nav = parts[0].output.nav
    return out
