#!/usr/bin/env python3
"""Benchmark full builds of a synthetic district of N communities, stage by stage.

The synthetic communities are copies of the sample district's published communities (renamed, with
unique brand ids), spread over towns of 40 (``make_project``).  For each N and each mode, every build
runs ``generator.build.build`` - what ``dangjian build`` does - in a fresh process of its own:

* ``optimised`` - ``dangjian build`` as shipped (small nav: towns only);
* ``naive``     - the same pages, but every community page listed in the nav (what a straightforward
                  MkDocs site would do; it grows with N², see ``--skip-naive-above``);
* ``warm``      - the shipped build after **one community changed**, with the content cache on: one
                  untimed priming build fills ``.cache/`` and publishes the site, then before each timed
                  run one community's name is edited (a different community each run) and the site is
                  built again over the published one, as a district office does after entering one
                  result.  The other two modes are clean builds (``DANGJIAN_NO_CACHE=1``).

Stages.  The build process wraps, at run time, the functions the build calls (patched where the caller
looks them up; nothing in ``generator/`` is changed).  Time is *exclusive*: when a wrapped call runs
inside another (the search plugin inside MkDocs), its time counts for its own stage only, so the stages
never overlap and their sum is at most the wall time.

============  ====================================================================================
load          ``load_config`` (site_config.yml) and ``load_district`` (every YAML record parsed and
              modelled), as called by ``generator.pipeline.prepare``
validate      ``validate`` (record rules), ``check_content`` (content/ files), ``parse_refinements``
              (rubric refinements) and ``check_published_images`` (every published image decoded)
publish_pii   ``publish`` (publication gate), ``check_recipients`` and the PII scan of everything published
              (``pipeline._scan_personal_information``: ``scan_published``, with the communities a build
              found clean before, ``records/scanned_clean.py``)
score         ``pipeline._score`` (``score_district`` with the kept scores read; writing them counts as other) and
              ``apply_frozen``
history       ``add_history``: record histories from git and the previous version of the records
              (part of ``pipeline.run`` before rendering; the synthetic project has no git history)
render        ``render_site``: every page's Markdown, QR codes, resized images, feeds (in memory; the
              communities' pages on forked workers for large districts, ``generator/pages/parallel.py``)
engine        ``mkdocs_adapter.build_site`` minus the search and write stages inside it: MkDocs config,
              Markdown -> HTML, the Material templates (Jinja), our page hooks, nav, sitemap, links
search        the search plugin inside the engine: its ``on_page_context`` (HTML parsing and jieba
              segmentation of every page; the first call loads jieba's dictionary) and
              ``on_post_build`` (index serialised), plus our
              ``compact_search_index`` (index rewritten as UTF-8); the index file write itself counts
              as ``write``.  For large sites the page stage (templates, search entries, page writes)
              runs on forked workers (``generator/engine/mkdocs_pool.py``): the parent waits for them
              inside the engine, so their search and write time counts as ``engine`` there
verify        ``verify_site``: the output check of every built file (on forked workers for large sites)
write         file writes: MkDocs's ``utils.write_file`` (pages, sitemap, search index) and
              ``File.copy_file`` (theme assets, generated files: QR codes, images), then
              ``publish.readable_modes``, ``swap_into_place`` and ``publish.remove_stale``; the spare tree's
              sorting out before and after the engine writes (``reused_tree.prepare``, ``finish``)
============  ====================================================================================

``other`` is wall time minus the stages: interpreter start, imports, and the glue between the wrapped
calls (building the context, the temporary folders).  Two single-file writes are not separated from
their stage: ``sitemap.xml.gz`` (MkDocs writes it directly: engine) and the compacted search index
(rewritten by ``compact_search_index``: search).

CPU seconds are reported beside wall seconds, per stage the same way (exclusive): user + system time of
the build process and of its children finished during the stage (the render, engine and output check workers, git).  On
a shared machine a stage whose wall time is well above its CPU time (single-threaded stages) was waiting
for a core; the machine's 1-minute load average before each build is recorded too.  Targets use wall
time.

Peak memory is the build process's RSS high-water mark (``getrusage(RUSAGE_SELF).ru_maxrss``) read at
the end of each stage's last call; it only ever grows, so the stage where it jumps is the one that
allocated.  Child processes are reported apart (``RUSAGE_CHILDREN``: the largest finished child - the
output check's forked workers, whose RSS includes the pages they share with the parent, or git).
Neither says what the whole build holds at once: ``tree PSS`` does.  The benchmark (the parent, outside the
build) reads the proportional set size of the build process and of every process below it
(``/proc/<pid>/smaps_rollup``: a page shared by k processes counts 1/k in each) and keeps the highest sum:
the physical memory the build took at its peak, workers included.  It reads every 0.5 s, or less often so
that reading costs at most 2 % of a core (at 2,000 communities, every few seconds): a shorter peak can be missed.
Each reading is also filed under the stage the build was in when it was taken (the build process writes the
stage it enters into one byte of a shared file, ``StageMarker``; its workers never write it): the table's last
part and ``tree_pss_by_stage_mib`` give the highest reading per stage, ``other`` between the stages.

Each figure is reported per run and as min/median/max over ``--runs`` runs (medians are what the
targets use).  The JSON file (``--json``, default ``bench/benchmark-<date>.json``) holds the machine,
the git commit, the sizes, every run's figures, the summaries, the pages and the time ratio of the
largest to the smallest size (2000/200 when both are measured).

Usage: python scripts/benchmark.py [--sizes 200 2000] [--runs 1] [--skip-naive-above 2000]
                                   [--only-mode optimised|naive|warm] [--json PATH] [--keep DIR]
(``--sizes 10000`` works too, for a city; it needs several times the time and memory of 2,000.)
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import importlib
import json
import mmap
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.records.yamlio import read_yaml  # noqa: E402

TOWN_SIZE = 40
AS_OF = "2026-11-27"
MODES = ("optimised", "naive", "warm")
STAGES = ("load", "validate", "publish_pii", "score", "history", "render", "engine", "search", "verify", "write")
LABELS = {"publish_pii": "publish+PII"}
CHILD_FLAG = "--run-one-build"
STAGE_FILE_ENV = "DANGJIAN_BENCH_STAGE_FILE"  # one byte the build writes, the parent reads: the stage running now

# (module, attribute path inside it, stage).  Patched where the caller looks the name up.
HOOKS: tuple[tuple[str, str, str], ...] = (
    ("generator.pipeline", "load_config", "load"),
    ("generator.pipeline", "load_district", "load"),
    ("generator.pipeline", "validate", "validate"),
    ("generator.pipeline", "check_content", "validate"),
    ("generator.pipeline", "parse_refinements", "validate"),
    ("generator.pipeline", "check_published_images", "validate"),
    ("generator.pipeline", "publish", "publish_pii"),
    ("generator.pipeline", "check_recipients", "publish_pii"),
    ("generator.pipeline", "_scan_personal_information", "publish_pii"),  # scan_published and the kept clean ones
    ("generator.pipeline", "_score", "score"),  # score_district, and the kept scores read
    ("generator.pipeline", "apply_frozen", "score"),
    ("generator.pipeline", "add_history", "history"),
    ("generator.pipeline", "render_site", "render"),
    ("generator.engine.mkdocs_adapter", "build_site", "engine"),  # build.py calls engine.build_site
    ("generator.engine.mkdocs_adapter", "compact_search_index", "search"),  # from the Injector plugin
    ("material.plugins.search.plugin", "SearchPlugin.on_page_context", "search"),
    ("material.plugins.search.plugin", "SearchPlugin.on_post_build", "search"),
    ("mkdocs.utils", "write_file", "write"),  # mkdocs.commands.build and the search plugin call utils.write_file
    ("mkdocs.structure.files", "File.copy_file", "write"),
    ("generator.build", "verify_site", "verify"),
    ("generator.engine.publish", "readable_modes", "write"),  # build.py calls publish.readable_modes
    ("generator.build", "swap_into_place", "write"),
    ("generator.engine.publish", "remove_stale", "write"),
    ("generator.engine.reused_tree", "prepare", "write"),  # mkdocs_writes sorts out the spare tree it builds in
    ("generator.engine.reused_tree", "finish", "write"),
)


# --- the synthetic project -------------------------------------------------------------------------------

def make_project(n: int, dest: Path) -> None:
    """Write a project with ``n`` communities copied from the sample district."""
    shutil.copy(REPO / "site_config.yml", dest / "site_config.yml")
    shutil.copytree(REPO / "content", dest / "content")
    templates = []
    for profile in sorted((REPO / "communities").glob("*/*/profile.yml")):
        doc, errors = read_yaml(profile, str(profile))
        if doc and not errors and (doc.data.get("publication") or {}).get("state") == "approved":
            templates.append(profile.parent)
    root = dest / "communities"
    root.mkdir()
    district, _ = read_yaml(REPO / "communities/district.yml", "district.yml")
    data = dict(district.data)  # type: ignore[union-attr]
    data["model_brands"], data["commendations"] = [], []
    (root / "district.yml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    for i in range(n):
        town = f"town-{i // TOWN_SIZE:03d}"
        tdir = root / town
        if not tdir.exists():
            tdir.mkdir()
            town_doc = {"name": f"合成{i // TOWN_SIZE + 1}街道", "kind": "街道",
                        "publication": {"state": "approved", "approved_by": "青禾区委组织部",
                                        "approved_on": dt.date(2025, 1, 5)}}
            (tdir / "town.yml").write_text(yaml.safe_dump(town_doc, allow_unicode=True), encoding="utf-8")
        src = templates[i % len(templates)]
        cdir = tdir / f"c-{i:05d}"
        shutil.copytree(src, cdir, ignore=shutil.ignore_patterns("*.yml"))
        for file in sorted(src.glob("*.yml")):
            doc, _ = read_yaml(file, file.name)
            body = doc.data  # type: ignore[union-attr]
            if file.name == "profile.yml":
                body["name"] = f"{body['name']}{i + 1}号"
            if file.name == "brands.yml":
                for brand in body.get("brands", []):
                    brand["id"] = f"{brand['id']}-{i}"
                    brand["former_ids"] = [f"{old}-{i}" for old in brand.get("former_ids", [])]
                    for mention in brand.get("mentions", []):
                        mention.pop("adopted_by", None)  # names sample communities the copy does not have
            (cdir / file.name).write_text(yaml.safe_dump(body, allow_unicode=True, sort_keys=False),
                                          encoding="utf-8")


# --- inside the build process ------------------------------------------------------------------------------

def _max_rss_mib(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # KiB on Linux


def _usage() -> tuple[float, float, float]:
    """CPU seconds of this process and its finished children, and both RSS high-water marks (MiB)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    return cpu, own.ru_maxrss / 1024, children.ru_maxrss / 1024


class StageMarker:
    """The stage the build runs now, in one byte of a shared file: the build process writes it (index in
    :data:`STAGES` + 1, 0 between stages), the benchmark reads it with each memory reading.  Forked workers
    inherit the mapping but never write: their calls of wrapped functions run inside the parent's stage."""

    def __init__(self, path: Path, owner: int) -> None:
        with open(path, "r+b") as f:
            self._map = mmap.mmap(f.fileno(), 1)
        self._owner = owner

    @classmethod
    def from_env(cls) -> StageMarker | None:
        path = os.environ.get(STAGE_FILE_ENV)
        return cls(Path(path), os.getpid()) if path else None

    def set(self, stage: str | None) -> None:
        if os.getpid() == self._owner:
            self._map[0] = 0 if stage is None else STAGES.index(stage) + 1


def read_stage(path: Path) -> str | None:
    """The stage a :class:`StageMarker` on ``path`` says is running (None: between stages)."""
    with open(path, "rb") as f:
        value = f.read(1)
    return STAGES[value[0] - 1] if value and 0 < value[0] <= len(STAGES) else None


class StageClock:
    """Exclusive wall and CPU time, call count and RSS high-water per stage, for functions wrapped with :meth:`wrap`."""

    def __init__(self, stages: Iterable[str]) -> None:
        self.seconds = dict.fromkeys(stages, 0.0)
        self.cpu_s = dict.fromkeys(self.seconds, 0.0)
        self.calls = dict.fromkeys(self.seconds, 0)
        self.peak_mib = dict.fromkeys(self.seconds, 0.0)
        self.children_peak_mib = dict.fromkeys(self.seconds, 0.0)
        self._nested: list[list[float]] = []  # per open call: wall and CPU time spent in wrapped calls inside it
        self._open: list[str] = []  # stages of the open calls, innermost last
        self._marker = StageMarker.from_env()

    def _mark(self) -> None:
        if self._marker is not None:
            self._marker.set(self._open[-1] if self._open else None)

    def wrap(self, stage: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        if stage not in self.seconds:
            raise ValueError(f"unknown stage {stage!r}")

        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            self._nested.append([0.0, 0.0])
            self._open.append(stage)
            self._mark()
            cpu_started = _usage()[0]
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - started
                cpu, peak, children_peak = _usage()
                cpu -= cpu_started
                nested_wall, nested_cpu = self._nested.pop()
                self._open.pop()
                self._mark()
                self.seconds[stage] += elapsed - nested_wall
                self.cpu_s[stage] += cpu - nested_cpu
                if self._nested:
                    self._nested[-1][0] += elapsed
                    self._nested[-1][1] += cpu
                self.calls[stage] += 1
                self.peak_mib[stage] = peak
                self.children_peak_mib[stage] = children_peak

        return timed


def install_hooks(clock: StageClock, hooks: Iterable[tuple[str, str, str]] = HOOKS) -> None:
    """Replace each hooked name by a timed wrapper, in the module (or class) where it is looked up."""
    for module_name, attr_path, stage in hooks:
        owner: Any = importlib.import_module(module_name)
        *parents, name = attr_path.split(".")
        for parent in parents:
            owner = getattr(owner, parent)
        original = owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)
        setattr(owner, name, clock.wrap(stage, original))


def run_one_build(project: Path, target: Path, mode: str, as_of: str) -> dict[str, Any]:
    """One ``dangjian build`` of ``project`` into ``target`` with every stage timed (call in a fresh process)."""
    from generator import build as build_module
    from generator import urls
    from generator.pages.output import NavEntry

    clock = StageClock(STAGES)
    install_hooks(clock)
    if mode == "naive":
        pipeline_run = build_module.run

        def run_with_full_nav(*args: Any, **kwargs: Any) -> Any:
            result = pipeline_run(*args, **kwargs)
            if result.output is not None and result.context is not None:
                boards = [NavEntry(c.name, urls.source(urls.community(c.town_id, c.id)))
                          for c in result.context.district.communities()]
                result.output.nav.append(NavEntry("全部社区", children=boards))
            return result

        build_module.run = run_with_full_nav  # type: ignore[assignment]
    messages: list[str] = []
    cpu_started = _usage()[0]
    started = time.perf_counter()
    try:
        built = build_module.build(project, dt.date.fromisoformat(as_of), False, target, str(target), messages.append)
    except build_module.BuildFailed as exc:
        raise SystemExit(f"{mode} build failed ({exc}):\n" + "\n".join(messages[-20:])) from exc
    build_s = time.perf_counter() - started
    build_cpu_s = _usage()[0] - cpu_started
    missing = [stage for stage, calls in clock.calls.items() if calls == 0]
    if missing:  # a hook that never fires means a renamed function: the figures would lie
        raise SystemExit(f"stages never entered: {', '.join(missing)} (see HOOKS in scripts/benchmark.py)")
    return {
        "communities": built.communities, "pages": built.pages, "warnings": built.warnings,
        "build_s": build_s, "build_cpu_s": build_cpu_s, "peak_mib": _max_rss_mib(),
        "children_peak_mib": _max_rss_mib(resource.RUSAGE_CHILDREN),
        "stages": {stage: {"seconds": clock.seconds[stage], "cpu_s": clock.cpu_s[stage],
                           "peak_mib": clock.peak_mib[stage], "children_peak_mib": clock.children_peak_mib[stage],
                           "calls": clock.calls[stage]} for stage in STAGES},
    }


# --- the parent: one fresh process per build -----------------------------------------------------------------

TREE_EVERY = 0.5  # seconds between two readings of the build's process tree, at least
TREE_SHARE = 0.02  # ... and at most this share of one core spent reading it (the kernel walks every mapping)


def tree_pss_mib(pid: int) -> float | None:
    """Physical memory of process ``pid`` and all its descendants: the sum of their proportional set sizes
    (``Pss`` in ``/proc/<pid>/smaps_rollup``: a page shared by k processes counts 1/k in each, so a forked
    worker's pages shared with its parent count once).  None where ``/proc`` does not tell."""
    total, stack, seen = 0, [pid], set()
    while stack:
        p = stack.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            with open(f"/proc/{p}/smaps_rollup", encoding="ascii") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith("Pss:"))
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children", encoding="ascii") as f:
                    stack.extend(int(c) for c in f.read().split())
        except (OSError, StopIteration, ValueError):
            if p == pid:
                return None
    return total / 1024


def watch_tree(proc: subprocess.Popen[str], stage_file: Path | None = None) -> tuple[float | None, dict[str, float]]:
    """Wait for ``proc``, reading its tree's memory every :data:`TREE_EVERY` s or less often when a reading
    is slow (a 1.2 GiB process takes the kernel ~45 ms).  The highest reading (MiB), and with ``stage_file``
    (the build's :class:`StageMarker`) the highest reading taken while each stage ran (``other``: between
    the stages)."""
    peak: float | None = None
    by_stage: dict[str, float] = {}
    while proc.poll() is None:
        started = time.perf_counter()
        stage = read_stage(stage_file) if stage_file is not None else None
        now = tree_pss_mib(proc.pid)
        if now is not None:
            peak = now if peak is None else max(peak, now)
            if stage_file is not None:
                name = stage or "other"
                by_stage[name] = max(by_stage.get(name, 0.0), now)
        try:
            proc.wait(max(TREE_EVERY, (time.perf_counter() - started) / TREE_SHARE))
        except subprocess.TimeoutExpired:
            continue
    return peak, by_stage


def timed_build(project: Path, mode: str, site: Path | None = None) -> dict[str, Any]:
    """One build in a fresh process.  ``warm`` builds over ``site`` with the cache on; the others are clean."""
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-site-") as tmp:
        target = site if mode == "warm" and site is not None else Path(tmp) / "site"
        env = dict(os.environ)
        if mode == "warm":
            env.pop("DANGJIAN_NO_CACHE", None)
        else:  # clean builds: the content cache (.cache/ in the project) would make every build after the first warm
            env["DANGJIAN_NO_CACHE"] = "1"
        child_mode = "optimised" if mode == "warm" else mode
        cpu_started = _usage()[0]
        started = time.perf_counter()
        stage_file = Path(tmp) / "stage"
        stage_file.write_bytes(b"\0")
        env[STAGE_FILE_ENV] = str(stage_file)
        with tempfile.TemporaryFile("w+", encoding="utf-8") as out, \
                tempfile.TemporaryFile("w+", encoding="utf-8") as err:
            proc = subprocess.Popen([sys.executable, __file__, CHILD_FLAG, str(project), str(target), child_mode,
                                     AS_OF], stdout=out, stderr=err, text=True, cwd=REPO, env=env)
            tree_peak, tree_by_stage = watch_tree(proc, stage_file)
            wall = time.perf_counter() - started
            cpu = _usage()[0] - cpu_started
            out.seek(0)
            err.seek(0)
            stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        raise SystemExit(f"{mode} build failed:\n{stderr[-3000:]}{stdout[-2000:]}")
    stats: dict[str, Any] = json.loads(stdout.strip().splitlines()[-1])
    stats["wall_s"], stats["cpu_s"] = wall, cpu
    stats["tree_pss_peak_mib"] = tree_peak
    stats["tree_pss_by_stage_mib"] = tree_by_stage
    stats["load_average"] = {"before": load_before, "after": os.getloadavg()[0]}  # 1-minute, whole machine
    stats["other_s"] = wall - sum(s["seconds"] for s in stats["stages"].values())
    return stats


def change_one_community(project: Path, k: int) -> str:
    """Edit the name of the k-th community (cycling through them): the change a warm build publishes."""
    profiles = sorted((project / "communities").glob("*/*/profile.yml"))
    profile = profiles[(k * 37) % len(profiles)]
    text = profile.read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    name = str(doc["name"])
    edited = f"{name}改" if not name.endswith("改") else name[:-1]
    lines = [f"name: {edited}" if line.startswith("name:") else line for line in text.splitlines()]
    if lines == text.splitlines():
        raise SystemExit(f"no top-level name: line in {profile}")
    profile.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return profile.relative_to(project).as_posix()


def spread(values: list[float]) -> dict[str, float]:
    return {"min": min(values), "median": statistics.median(values), "max": max(values)}


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """min/median/max of every figure over the runs of one (size, mode)."""
    tree = [r["tree_pss_peak_mib"] for r in runs if r.get("tree_pss_peak_mib") is not None]
    return {
        **{key: spread([r[key] for r in runs]) for key in ("wall_s", "cpu_s", "other_s", "build_s", "build_cpu_s",
                                                            "peak_mib", "children_peak_mib")},
        "tree_pss_peak_mib": spread(tree) if len(tree) == len(runs) else None,
        "tree_pss_by_stage_mib": {stage: spread([r["tree_pss_by_stage_mib"][stage] for r in runs])
                                  for stage in (*STAGES, "other")
                                  if all(stage in r.get("tree_pss_by_stage_mib", {}) for r in runs)},
        "stages": {stage: {figure: spread([r["stages"][stage][figure] for r in runs])
                           for figure in ("seconds", "cpu_s", "peak_mib")} for stage in STAGES},
    }


def git_commit() -> dict[str, Any]:
    def git(*args: str) -> str:
        proc = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=False)
        return proc.stdout.strip() if proc.returncode == 0 else ""

    return {"commit": git("rev-parse", "HEAD") or None, "branch": git("rev-parse", "--abbrev-ref", "HEAD") or None,
            "dirty": bool(git("status", "--porcelain", "--untracked-files=no"))}


def time_ratio(results: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Median wall time of the largest size over the smallest (2000/200 when both ran), shipped mode first."""
    for mode in MODES:
        walls = {r["n"]: r["summary"]["wall_s"]["median"] for r in results if r["mode"] == mode}
        if len(walls) >= 2:
            large, small = (2000, 200) if {2000, 200} <= walls.keys() else (max(walls), min(walls))
            return {"mode": mode, "large": large, "small": small, "ratio": walls[large] / walls[small]}
    return None


def table(results: list[dict[str, Any]]) -> str:
    """Median seconds, CPU seconds and peak MiB per stage, one row per (size, mode)."""
    names = [LABELS.get(s, s) for s in STAGES]
    rows = [["N", "mode", "pages", "wall", *names, "other", "ms/comm.", "load avg"]]
    cpu = [["N", "mode", "total", *names]]
    mem = [["N", "mode", *names, "children", "tree PSS"]]
    tree_rows = [["N", "mode", *names, "other"]]
    for r in results:
        s = r["summary"]
        load = statistics.median(run["load_average"]["before"] for run in r["runs"])
        rows.append([f"{r['n']:,}", r["mode"], f"{r['pages']:,}", f"{s['wall_s']['median']:.1f}",
                     *(f"{s['stages'][st]['seconds']['median']:.2f}" for st in STAGES),
                     f"{s['other_s']['median']:.2f}", f"{1000 * s['wall_s']['median'] / r['n']:.0f}", f"{load:.1f}"])
        cpu.append([f"{r['n']:,}", r["mode"], f"{s['cpu_s']['median']:.1f}",
                    *(f"{s['stages'][st]['cpu_s']['median']:.2f}" for st in STAGES)])
        tree = s.get("tree_pss_peak_mib")
        mem.append([f"{r['n']:,}", r["mode"], *(f"{s['stages'][st]['peak_mib']['median']:.0f}" for st in STAGES),
                    f"{s['children_peak_mib']['median']:.0f}", f"{tree['median']:.0f}" if tree else "-"])
        by_stage = s.get("tree_pss_by_stage_mib") or {}
        tree_rows.append([f"{r['n']:,}", r["mode"], *(f"{by_stage[st]['median']:.0f}" if st in by_stage else "-"
                                                      for st in (*STAGES, "other"))])

    def fmt(grid: list[list[str]]) -> str:
        widths = [max(len(row[i]) for row in grid) for i in range(len(grid[0]))]
        return "\n".join("  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)) for row in grid)

    return (f"Seconds per stage (median wall time; load avg = the machine's 1-minute load before the build):\n"
            f"{fmt(rows)}\n\nCPU seconds per stage (median; this process and its finished children):\n{fmt(cpu)}\n\n"
            f"Peak RSS (MiB, high-water after each stage; median):\n{fmt(mem)}\n\n"
            f"Tree PSS (MiB, the build's process tree: highest reading while each stage ran; median):\n"
            f"{fmt(tree_rows)}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 2000], help="numbers of communities")
    parser.add_argument("--runs", type=int, default=1, help="builds per size and mode (min/median/max reported)")
    parser.add_argument("--skip-naive-above", type=int, default=2000,
                        help="skip the naive build for larger N (it grows with N²)")
    parser.add_argument("--only-mode", choices=MODES, help="build in this mode only")
    parser.add_argument("--json", type=Path, help="where to write the figures (default bench/benchmark-<date>.json)")
    parser.add_argument("--keep", type=Path, help="keep the generated projects in this folder")
    args = parser.parse_args(argv)
    if args.runs < 1 or min(args.sizes) < 1:
        parser.error("--runs and --sizes must be at least 1")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    today = dt.date.today().isoformat()
    out = args.json or REPO / "bench" / f"benchmark-{today}.json"
    results: list[dict[str, Any]] = []
    for n in args.sizes:
        modes = [m for m in MODES if (args.only_mode in (None, m)) and not (m == "naive" and n > args.skip_naive_above)]
        with tempfile.TemporaryDirectory(prefix=f"bench-{n}-") as tmp:
            project = Path(tmp) / "project"
            project.mkdir()
            make_project(n, project)
            if args.keep:
                shutil.copytree(project, args.keep / f"n{n}", dirs_exist_ok=True)
            runs: dict[str, list[dict[str, Any]]] = {m: [] for m in modes}
            published = Path(tmp) / "published-site"
            if "warm" in modes:  # untimed: fills .cache/ and publishes the site the warm builds replace
                timed_build(project, "warm", published)
            for k in range(args.runs):
                for mode in modes:
                    if mode == "warm":
                        changed = change_one_community(project, k)
                    stats = timed_build(project, mode, published)
                    if mode == "warm":
                        stats["changed"] = changed
                    runs[mode].append(stats)
                    top = max(STAGES, key=lambda st: stats["stages"][st]["seconds"])
                    tree = stats.get("tree_pss_peak_mib")
                    print(f"N={n:5d} {mode:9s} run {k + 1}/{args.runs}: {stats['wall_s']:7.1f} s"
                          f"  peak {stats['peak_mib']:6.0f} MiB  tree {tree or 0:6.0f} MiB  {stats['pages']} pages"
                          f"  (largest stage: {LABELS.get(top, top)} {stats['stages'][top]['seconds']:.1f} s)",
                          flush=True)
        for mode in modes:
            first = runs[mode][0]
            results.append({"n": n, "mode": mode, "communities": first["communities"], "pages": first["pages"],
                            "runs": runs[mode], "summary": summarise(runs[mode])})
    report = {
        "date": today, "as_of": AS_OF, "command": [Path(sys.argv[0]).name, *(argv or sys.argv[1:])],
        "machine": {"cpu_count": os.cpu_count(), "python": platform.python_version(),
                    "implementation": platform.python_implementation(), "platform": platform.platform(),
                    "processor": platform.machine()},
        "git": git_commit(), "sizes": args.sizes, "runs_per_build": args.runs, "stages": list(STAGES),
        "results": results, "time_ratio": time_ratio(results),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print()
    print(table(results))
    ratio = report["time_ratio"]
    if ratio:
        print(f"\ntime({ratio['large']})/time({ratio['small']}) = {ratio['ratio']:.2f} ({ratio['mode']}, median wall)")
    print(f"figures written to {out}")


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == CHILD_FLAG:
        figures = run_one_build(Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4], sys.argv[5])
        print(json.dumps(figures))
    else:
        main()
