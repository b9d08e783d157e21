"""Build and serve: run the data pipeline, hand its pages to the site engine, check, swap into place.

The command line (``cli.py``) only parses options and prints; everything a build does is here, so
it can be called without click. ``Report`` is how this module speaks: one line at a time, to stderr
in the CLI.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from generator import heap
from generator.cache import cache_folder
from generator.engine import mkdocs_adapter as engine
from generator.engine import publish
from generator.engine.verify import verify_site
from generator.errors import DataError, ErrorLog
from generator.messages import t
from generator.pages.data_errors import render_error_site
from generator.pages.output import Output
from generator.pipeline import Live, run
from generator.records.config import SiteConfig, load_config

Report = Callable[[str], None]

DATA_FAILED = 1
ENGINE_FAILED = 2
INTERRUPTED = 130


class BuildFailed(Exception):
    """The build stopped; ``code`` is the exit status (1 data or output problems, 2 engine failure)."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


def report_log(log: ErrorLog, strict: bool, say: Report) -> int:
    """Report errors and warnings; return the number of problems that fail the run."""
    problems: list[DataError] = sorted(set(log.errors))
    warnings = sorted(set(log.warnings))
    for err in problems:
        say(t("build.error", text=err))
    for warn in warnings:
        say(t("build.error" if strict else "build.warning", text=warn))
    return len(problems) + (len(warnings) if strict else 0)


class Terminated(KeyboardInterrupt):
    """SIGTERM during a build: unwinds like Ctrl-C (temporary trees removed), exit status 143."""


@contextlib.contextmanager
def _signals_handled() -> Iterator[None]:
    """SIGTERM stops the build the way Ctrl-C does, so ``finally`` blocks remove temporary trees."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminate(signum: int, frame: object) -> None:
        raise Terminated

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def _interrupts_held() -> Iterator[list[int]]:
    """Hold Ctrl-C and SIGTERM (main thread only) while the block runs; the list records any that came."""
    caught: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield caught
        return
    previous = {sig: signal.signal(sig, lambda signum, frame: caught.append(signum))
                for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield caught
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def swap_into_place(built: Path, target: Path, say: Report, spare: Path | None = None) -> None:
    """Put ``built`` at ``target`` in one atomic step (see engine/publish.py); the old site is kept as the spare
    in the cache folder ``spare`` (``publish.keep_spare``), or removed."""
    old: Path | None = None
    with _interrupts_held() as caught:
        if not target.exists():
            built.rename(target)
        elif publish.exchange(built, target):
            old = built  # the two trees traded places: ``built`` now holds the old site
        else:  # no atomic exchange here: move the old site aside, then the new one in
            old = publish.old_name(target)
            target.rename(old)
            try:
                built.rename(target)
            except BaseException:
                old.rename(target)
                raise
    if caught:
        say(t("build.interrupt_during_swap"))
    if old is not None and not publish.keep_spare(old, spare):
        publish.remove_tree(old)


def verify_output(config: SiteConfig, project: Path, site: Path, shown: str, say: Report) -> int:
    """Run the output checks; report and count the findings."""
    findings = verify_site(site, config.site.url, list(config.pii_allow), theme=engine.theme_dir(project),
                           cache_dir=cache_folder(project))
    for finding in findings:
        say(t("build.error", text=f"{shown}/{finding}"))
    return len(findings)


@dataclass(frozen=True)
class Built:
    communities: int
    pages: int
    warnings: int
    seconds: float


def build(project: Path, as_of: dt.date, strict: bool, target: Path, shown: str, say: Report) -> Built:
    """Build the site into ``target`` atomically; raises :class:`BuildFailed` (old site untouched)."""
    with _signals_handled(), heap.kept():  # what the stages settle stays frozen until the build ends
        return _build(project, as_of, strict, target, shown, say)


def _build(project: Path, as_of: dt.date, strict: bool, target: Path, shown: str, say: Report) -> Built:
    started = time.perf_counter()
    publish.remove_stale(target)
    made = [d for d in (target.parent, *target.parent.parents) if not d.exists()]  # removed again if it fails
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp: Path | None = None
    try:
        # Created with signals held, so a Ctrl-C or SIGTERM cannot leave it behind unnamed.  It holds the
        # pages the render's workers leave on disk (``pages``) and the new site (``site``).
        with _interrupts_held() as caught:
            tmp = Path(tempfile.mkdtemp(prefix=publish.temp_prefix(target), dir=target.parent))
        if caught:
            raise Terminated if signal.SIGTERM in caught else KeyboardInterrupt
        (tmp / "pages").mkdir()
        say(t("build.step_load"))
        result = run(project, as_of, previous_site=target if target.is_dir() else None, spool=tmp / "pages")
        heap.settle(collect=True)  # the rendered pages' index lives to the end: not walked again
        failed = report_log(result.log, strict, say)
        if result.context is None or result.output is None or failed:
            raise BuildFailed(DATA_FAILED, t("build.data_failed", n=failed))
        n_pages = result.output.page_count
        say(t("build.step_render", n=n_pages))
        site = engine.engine_input(result.context)
        result.context = None  # the records and results go: the engine and the check read the pages
        cache = cache_folder(project)
        publish.claim_spare(cache, tmp / "site")  # the tree of the site before last, built in again
        stats = engine.build_site(site, result.output, tmp / "site",
                                  progress=lambda done: say(t("build.progress", done=done, n=n_pages)),
                                  published=target if target.is_dir() else None)
        for w in stats.warnings:  # before verifying, so they are shown when the build is refused too
            say(t("build.warning", text=w))
        say(t("build.step_verify"))
        findings = verify_output(site.config, project, tmp / "site", shown, say)
        if findings:
            raise BuildFailed(DATA_FAILED, t("build.output_failed", n=findings))
        publish.readable_modes(tmp / "site")
        swap_into_place(tmp / "site", target, say, cache)
        made = []
    except engine.EngineError as exc:
        raise BuildFailed(ENGINE_FAILED, t("build.engine_failed", detail=exc)) from exc
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        for folder in made:  # innermost first: a failed first build leaves no folders behind
            with contextlib.suppress(OSError):
                folder.rmdir()
    return Built(site.communities, stats.pages,
                 len(result.log.warnings) + len(stats.warnings), time.perf_counter() - started)


TIMINGS = "DANGJIAN_SERVE_TIMINGS"  # a file: `dangjian serve` appends each rebuild's seconds per step (benchmarks)


def serve(project: Path, as_of: dt.date, host: str, port: int, say: Report) -> int:
    """Preview with live reload. Broken records, at the start or after an edit, show as an error page
    at every address at once; the page reloads by itself when the records are good again.

    Each reload runs the pipeline from the last run (``pipeline.Live``: only changed record files are
    parsed, only changed communities re-checked) and rebuilds only the pages whose text changed."""
    from generator.engine.mkdocs_serve import serve_site

    config, config_log = load_config(project / "site_config.yml", project)
    if config is None:  # without a configuration there is no site to show the problems in
        report_log(config_log, False, say)
        return DATA_FAILED
    last_good: set[str] = set()
    live = Live(project, as_of)

    def rebuild() -> tuple[Output, list[str]]:
        again = live.run()
        if again.output is None or again.log.errors:
            lines = [t("build.error", text=err) for err in again.log]
            lines.append(t("build.serve_broken", n=len(lines)))
            return render_error_site(again.log, last_good), lines
        last_good.clear()
        last_good.update(again.output.pages)
        return again.output, []

    timings = os.environ.get(TIMINGS)

    def built(figures: dict[str, Any]) -> None:
        if timings:
            line = {**figures, "seconds": {**live.seconds, **figures["seconds"]}}
            with open(timings, "a", encoding="utf-8") as out:
                out.write(json.dumps(line) + "\n")

    path = urlsplit(config.site.url).path or "/"
    say(t("build.serve_url", url=f"http://{host}:{port}{path}"))
    serve_site(config, project, as_of, host, port, rebuild, built)
    return 0
