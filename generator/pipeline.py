"""The data pipeline, stage by stage: load -> validate -> publish -> score -> render.

``run`` never touches the site engine; ``build.py`` hands its output to ``engine/``.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from generator import heap
from generator.cache import cache_folder
from generator.context import SiteContext
from generator.errors import ErrorLog
from generator.pages.incremental import Rendered, rerender
from generator.pages.manifest import collect
from generator.pages.output import Output
from generator.pages.registry import render_site
from generator.pages.share_inputs import brand_owners, history_owner
from generator.records import images_checked, scanned_clean
from generator.records.config import SiteConfig, load_config
from generator.records.history import FieldChange, GitMemo, previous_commit, previous_version, record_history
from generator.records.load import ParseCache, check_content, load_district, release_line_maps
from generator.records.model import District
from generator.records.periods import period_label
from generator.records.pii import scan_published
from generator.records.publish import check_recipients, publish
from generator.records.validate import check_published_images, validate
from generator.records.watch import Snapshot, scope_of
from generator.scoring import score_store
from generator.scoring.freeze import apply_frozen
from generator.scoring.rubric import RubricRefinement, parse_refinements
from generator.scoring.rules.compare import fmt_number
from generator.scoring.score import Scored, Scores, score_district


@dataclass
class Result:
    log: ErrorLog
    context: SiteContext | None = None
    output: Output | None = None


@dataclass
class Caches:
    """What ``dangjian serve`` keeps from one run to the next; each gives what a fresh run would.

    Records are re-parsed only where a file's bytes changed (``ParseCache``); the personal-information
    findings and the scores are kept per community, and :meth:`forget` drops those of the communities
    whose files changed (all of them when anything else changed); a brand image that decoded is not
    decoded again until its file changes; git objects never change (``GitMemo``),
    and the previous version of the records is kept with the commit it was read from.
    """

    records: ParseCache = field(default_factory=ParseCache)
    pii: dict[str, ErrorLog] = field(default_factory=dict)
    scores: dict[str, Scored] = field(default_factory=dict)
    git: GitMemo = field(default_factory=dict)
    images: set[tuple[str, int, int, int]] = field(default_factory=set)  # brand images that decoded
    previous: tuple[str, dict[str, dict[str, str]] | None, dt.date | None] | None = None  # commit, records, day

    def forget(self, changed: frozenset[str] | None) -> None:
        for kept in (self.pii, self.scores):
            if changed is None:
                kept.clear()
            for key in changed or ():
                kept.pop(key, None)


def prepare(project: Path, as_of: dt.date, caches: Caches | None = None, sources: Snapshot | None = None) -> Result:
    """load -> validate -> publish -> score. Stops before rendering.

    ``sources``: the project's files as a build found them before reading any (with the content cache on), so
    that communities found free of personal information by an earlier build are not scanned again."""
    config, log = load_config(project / "site_config.yml", project)
    district, load_log = load_district(project / "communities", project, caches.records if caches else None)
    log.extend(load_log)
    if district is not None:
        log.extend(validate(district, as_of, partial=bool(log.errors)))
    log.extend(check_content(project))  # content/ files that must not be published
    refinements = []
    if config is not None:
        refinements, refine_log = parse_refinements(config.rubric_refinements, config.doc, config.source_path)
        log.extend(refine_log)
    if district is None or config is None or log.errors:
        return Result(log)
    public, held = publish(district, as_of)
    log.extend(check_recipients(public))  # a published commendation names no held-back community or brand
    # What build would refuse, check refuses too.
    log.extend(_check_images(project, public, caches))
    if log.errors:
        return Result(log)
    context = SiteContext(project=project, config=config, district=public, as_of=as_of, held_back=held)
    # Personal information in anything published is an error.
    keep: list[Callable[[], None]] = []  # what this build keeps for the next, once its sources are checked
    log.extend(_scan_personal_information(project, config, public, as_of, caches, sources, keep))
    # A held-back town's refinements are held back with it (its name must not reach the rubric page).
    public_towns = {t.id for t in public.towns}
    held_towns = {t.id for t in district.towns} - public_towns
    refinements = [r for r in refinements if r.town not in held_towns]
    scores, score_log = _score(project, config, public, refinements, as_of, caches, sources, keep)
    log.extend(score_log)
    # Kept only if no source file changed meanwhile: the scan and the scores read the bytes the keys name.
    if keep and sources is not None and Snapshot.take(project, sources).digests == sources.digests:
        for save in keep:
            save()
    apply_frozen(public, scores, log)  # published results are history: frozen periods must not change silently
    context.scores = scores
    context.warnings = list(log.warnings)
    return Result(log, context)


def _check_images(project: Path, public: District, caches: Caches | None) -> ErrorLog:
    """Every published brand image decoded, but those that decoded before: in this process (``dangjian
    serve``) or in an earlier build (``records/images_checked.py``)."""
    folder = cache_folder(project) if caches is None else None
    if folder is None:
        return check_published_images(public, caches.images if caches else None)
    before = images_checked.load(folder)
    decoded = set(before)
    log = check_published_images(public, decoded)
    images_checked.save(folder, decoded, before)
    return log


def _scan_personal_information(project: Path, config: SiteConfig, public: District, as_of: dt.date,
                                caches: Caches | None, sources: Snapshot | None,
                                keep: list[Callable[[], None]]) -> ErrorLog:
    """``scan_published``, with the preview's findings per community or the clean communities a build kept."""
    if caches is not None:
        return scan_published(project, config, public, caches.pii)
    folder = cache_folder(project)
    keys = scanned_clean.community_keys(sources, public.communities(), as_of) if sources is not None else None
    if sources is None or folder is None or keys is None:
        return scan_published(project, config, public)
    found = scanned_clean.known_clean(folder, keys)
    log = scan_published(project, config, public, found)
    keep.append(lambda: scanned_clean.save_clean(folder, keys, found))
    return log


def _score(project: Path, config: SiteConfig, public: District, refinements: list[RubricRefinement],
           as_of: dt.date, caches: Caches | None, sources: Snapshot | None,
           keep: list[Callable[[], None]]) -> tuple[Scores, ErrorLog]:
    """``score_district``, with the preview's scored communities or those a build kept (``score_store``)."""
    if caches is not None:
        return score_district(public, config, refinements, as_of, caches.scores)
    folder = cache_folder(project)
    keys = score_store.community_keys(sources, public.communities(), as_of) if sources is not None else None
    if sources is None or folder is None or keys is None:
        return score_district(public, config, refinements, as_of)
    store = score_store.ScoreStore(folder, keys)
    known = store.known({(r.town, r.item): r for r in refinements})
    scored = score_district(public, config, refinements, as_of, known)
    keep.append(lambda: store.save(known))
    return scored


def add_history(context: SiteContext, caches: Caches | None = None) -> None:
    """Record histories from git, and the previous version of the records for the "本次更新" page.

    The previous version is read with the same pipeline; if it cannot be (an older record format),
    the page falls back to the previous site's manifest.
    """
    project = context.project
    commit = previous_commit(project)
    if commit is None:
        pass
    elif caches is not None and caches.previous is not None and caches.previous[0] == commit.sha:
        context.previous_records, context.previous_day = caches.previous[1], caches.previous[2]
    else:
        with tempfile.TemporaryDirectory(prefix=f"dangjian-previous-{os.getpid()}-") as tmp:
            if previous_version(project, Path(tmp), commit) is not None:
                old = prepare(Path(tmp), context.as_of)  # same day: only the records differ
                if old.context is not None and not old.log.errors:
                    context.previous_records = {rid: r.as_json() for rid, r in collect(old.context).items()}
                    context.previous_day = commit.day
        if caches is not None:  # a version that cannot be read stays so: it is not read again
            caches.previous = (commit.sha, context.previous_records, context.previous_day)
    published = set(collect(context))
    history = record_history(project, published, list(context.config.pii_allow), memo=caches.git if caches else None)
    for r in context.scores.history if context.scores else []:
        fix = r.correction
        if fix is not None:
            rid = f"community:{r.community}"
            history.setdefault(rid, []).append(FieldChange(
                fix.date, rid, f"{period_label(r.period)}考评总分(更正:{fix.reason})",
                fmt_number(fix.original_total), fmt_number(r.total)))
    context.history = {rid: sorted(changes, key=lambda ch: ch.day) for rid, changes in sorted(history.items())}


def run(project: Path, as_of: dt.date, previous_site: Path | None = None, spool: Path | None = None) -> Result:
    """The whole data pipeline up to rendered pages (no MkDocs).

    ``previous_site`` is the currently published site (if any), so that
    renderers can compare against it (e.g. the "what changed" page).  ``spool``: a folder where the
    render's workers may leave their pages (see ``registry.render_site``); it must outlive the output.
    """
    # The source files as found before their records are read: the render's stored towns are keyed by them.
    folder = cache_folder(project) if spool is not None else None
    sources = None
    if folder is not None:  # unchanged since the last build's snapshot (times, size, inode): not read again
        started = time.time_ns()
        sources = Snapshot.take(project, Snapshot.kept(folder))
        sources.keep(folder, started)
    # The records, results and their line maps live until the build ends: not walked by each collection.
    with heap.paused():
        result = prepare(project, as_of, sources=sources)
        if result.context is None or result.log.errors:
            return result
        result.context.previous_site = previous_site
        add_history(result.context)
        # Checked and scored: the pages need no line numbers but an error's (read again then).  At 2,000
        # communities the line maps are ~240 MiB that the render and the engine would otherwise carry.
        release_line_maps(result.context.district)
    output, render_log = render_site(result.context, spool, sources)
    result.log.extend(render_log)
    result.output = output
    return result


class Live:
    """The pipeline of ``dangjian serve``: each run starts from what the last one kept.

    A run compares the project's files with the last run's (``records.watch``), drops what the changed
    files invalidate (:meth:`Caches.forget`) and re-renders only what changed since the last render
    (``pages.incremental.rerender``).  Its result is the one :func:`run` gives on the same files.
    ``seconds`` holds the last run's time per step.
    """

    def __init__(self, project: Path, as_of: dt.date) -> None:
        self.project, self.as_of = project, as_of
        self.caches = Caches()
        self.snapshot: Snapshot | None = None
        self.rendered: Rendered | None = None  # the last render, in shares
        self.pending: frozenset[str] | None = None  # communities changed since that render (None: anything)
        self.history: tuple[object, ...] | None = None  # what git gave the last run (a commit changes it)
        self.seconds: dict[str, float] = {}

    def run(self) -> Result:
        clock = _Clock(self.seconds)
        snapshot = Snapshot.take(self.project, self.snapshot)
        changed = None if self.snapshot is None else scope_of(self.snapshot.changed(snapshot))
        self.snapshot = snapshot
        self.caches.records.known = snapshot.digests  # the loader reads only files whose bytes changed
        self.caches.forget(changed)
        self.pending = None if self.pending is None or changed is None else self.pending | changed
        clock.lap("changes")
        result = prepare(self.project, self.as_of, self.caches)
        clock.lap("prepare")
        if result.context is None or result.log.errors:
            return result
        add_history(result.context, self.caches)
        self.pending = _history_scope(self.pending, self.history, result.context)
        self.history = (result.context.history, result.context.previous_records, result.context.previous_day)
        clock.lap("history")
        self.rendered = rerender(result.context, self.rendered, self.pending if self.rendered is not None else None)
        output = self.rendered.output
        clock.lap("render")
        self.pending = frozenset()
        result.log.extend(output.log)
        result.output = output
        return result


def _history_scope(pending: frozenset[str] | None, last: tuple[object, ...] | None,
                   context: SiteContext) -> frozenset[str] | None:
    """``pending`` and the communities whose record history from git changed since the ``last`` run (a commit
    changes what pages show without changing a file); None when the previous version of the records changed."""
    if pending is None or last is None:
        return None
    history, previous_records, previous_day = last
    if (previous_records, previous_day) != (context.previous_records, context.previous_day):
        return None
    assert isinstance(history, dict)
    moved = {rid for rid in history.keys() | context.history.keys() if history.get(rid) != context.history.get(rid)}
    brands = brand_owners(context)
    keys = set()
    for rid in moved:
        key = history_owner(rid, brands)
        if key is None:
            return None
        keys.add(key)
    return pending | keys


class _Clock:
    def __init__(self, seconds: dict[str, float]) -> None:
        seconds.clear()
        self.seconds, self.started = seconds, time.perf_counter()

    def lap(self, step: str) -> None:
        now = time.perf_counter()
        self.seconds[step], self.started = now - self.started, now
