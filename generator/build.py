"""Build and serve: run the data pipeline, hand its pages to the site engine, check, swap into place.

The command line (``cli.py``) only parses options and prints; everything a build does is here, so
it can be called without click. ``Report`` is how this module speaks: one line at a time, to stderr
in the CLI.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from generator.engine import mkdocs_adapter as engine
from generator.engine.verify import verify_site
from generator.errors import DataError, ErrorLog
from generator.pages.data_errors import render_error_site
from generator.pages.output import Output
from generator.pipeline import prepare, run
from generator.records.config import SiteConfig

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
        say(f"error: {err}")
    for warn in warnings:
        say(f"{'error' if strict else 'warning'}: {warn}")
    return len(problems) + (len(warnings) if strict else 0)


@contextlib.contextmanager
def _interrupts_held() -> Iterator[list[int]]:
    """Hold Ctrl-C (main thread only) while the block runs; the yielded list records any that came."""
    caught: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield caught
        return
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield caught
    finally:
        signal.signal(signal.SIGINT, previous)


def swap_into_place(built: Path, target: Path, say: Report) -> None:
    """Replace ``target`` with ``built`` with two renames, never leaving a half-written site."""
    old = None
    with _interrupts_held() as caught:
        if target.exists():
            old = target.with_name(f".{target.name}.old-{os.getpid()}")
            target.rename(old)
        try:
            built.rename(target)
        except BaseException:
            if old is not None:
                old.rename(target)
            raise
    if caught:
        say("(Ctrl-C came while the new site was being put in place; it is complete.)")
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def verify_output(config: SiteConfig, project: Path, site: Path, shown: str, say: Report) -> int:
    """Run the output checks; report and count the findings."""
    findings = verify_site(site, config.site.url, list(config.pii_allow), theme=engine.theme_dir(project))
    for finding in findings:
        say(f"error: {shown}/{finding}")
    return len(findings)


@dataclass(frozen=True)
class Built:
    communities: int
    pages: int
    warnings: int
    seconds: float


def build(project: Path, as_of: dt.date, strict: bool, target: Path, shown: str, say: Report) -> Built:
    """Build the site into ``target`` atomically; raises :class:`BuildFailed` (old site untouched)."""
    started = time.perf_counter()
    say("[1/3] loading, validating and scoring records …")
    result = run(project, as_of, previous_site=target if target.is_dir() else None)
    failed = report_log(result.log, strict, say)
    if result.context is None or result.output is None or failed:
        raise BuildFailed(DATA_FAILED, f"{failed} problem(s) found; site not built (previous site left as it was).")
    target.parent.mkdir(parents=True, exist_ok=True)
    n_pages = len(result.output.pages)
    say(f"[2/3] rendering {n_pages} pages …")
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        stats = engine.build_site(result.context, result.output, tmp / "site",
                           progress=lambda done: say(f"      {done}/{n_pages} pages"))
        for w in stats.warnings:  # before verifying, so they are shown when the build is refused too
            say(f"warning: {w}")
        say("[3/3] checking links, hosts and personal information, then writing site …")
        findings = verify_output(result.context.config, project, tmp / "site", shown, say)
        if findings:
            raise BuildFailed(DATA_FAILED, f"{findings} problem(s) found in the built site; not published "
                              "(previous site left as it was).")
        swap_into_place(tmp / "site", target, say)
    except engine.EngineError as exc:
        raise BuildFailed(ENGINE_FAILED, f"error: site engine failed:\n{exc}\n"
                          "site not built (previous site left as it was).") from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return Built(len(result.context.district.communities()), stats.pages,
                 len(result.log.warnings) + len(stats.warnings), time.perf_counter() - started)


def serve(project: Path, as_of: dt.date, host: str, port: int, say: Report) -> int:
    """Preview with live reload. Broken records at start or after an edit show as an error page."""
    result = prepare(project, as_of)
    if result.context is None or report_log(result.log, False, say):
        return DATA_FAILED
    last_good: set[str] = set()

    def rebuild() -> tuple[Output, list[str]]:
        again = run(project, as_of)
        if again.output is None or again.log.errors:
            lines = [f"error: {err}" for err in again.log]
            lines.append(f"{len(lines)} problem(s) found; fix them and save again "
                         "(the preview shows them on every page).")
            return render_error_site(again.log, last_good), lines
        last_good.clear()
        last_good.update(again.output.pages)
        return again.output, []

    engine.serve_site(result.context, host, port, rebuild)
    return 0
