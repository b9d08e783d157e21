"""Shared test constants and helpers (importable by name; pytest's conftest is for fixtures only).

The one pinned date, the fixture projects (``tests/fixtures/projects/<scenario>/``), the one way to copy
a fixture project for a test that edits it, and the in-process CLI.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import shutil
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner, Result

from generator.cli import main

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent

# Every test builds "as of" this day, so dates in the fixtures read the same whatever the clock says.
AS_OF = dt.date(2026, 11, 27)
AS_OF_ARG = AS_OF.isoformat()  # the same day as `--as-of` takes it

# Fixture projects, one folder per scenario.
PROJECTS = TESTS / "fixtures" / "projects"
MINIMAL = PROJECTS / "minimal"  # one town, one community: the CLI and validation scenarios
TEN_MISTAKES = PROJECTS / "ten_mistakes"  # ten record errors, each reported with file and line
BOARDS_DISTRICT = PROJECTS / "boards_district"  # a district for the resident boards, brands, feeds and QR
FULL_MARKS = PROJECTS / "full_marks"  # one community scoring exactly 100 (see its README)
TRUST = PROJECTS / "trust"  # held-back records marked DRAFTLEAK: the gate, PII, sanitizing and build tests

Edit = Callable[[str], str]
"""A text edit of one project file: old text (empty if the file is new) to new text."""


def copy_project(source: Path, dest: Path, edits: dict[str, Edit] | None = None) -> Path:
    """A private copy of the project ``source`` at ``dest`` (symlinks kept), with ``edits`` applied.

    ``edits`` are keyed by project-relative path; an edit of a missing file creates it from ``""``.  The
    project's content cache (``.cache/``, left by a test that built the fixture in place) is not copied: a copy
    starts cold, whatever ran before it.
    """
    shutil.copytree(source, dest, symlinks=True, ignore=shutil.ignore_patterns(".cache"))
    for rel, edit in (edits or {}).items():
        file = dest / rel
        file.write_text(edit(file.read_text(encoding="utf-8") if file.exists() else ""), encoding="utf-8")
    return dest


def cli(*args: str, catch: bool = False, env: dict[str, str] | None = None) -> Result:
    """Invoke ``dangjian`` in-process; with ``catch`` an exception is returned instead of raised.

    ``env`` adds environment variables for this run, e.g. ``{"DANGJIAN_LANG": "en"}`` for English messages.
    """
    return CliRunner().invoke(main, list(args), catch_exceptions=catch, env=env)


def synthetic_project(dest: Path, communities: int, town_size: int) -> Path:
    """A district of ``communities`` copies of the sample's, in towns of ``town_size``, written at ``dest``
    the way ``scripts/benchmark.py`` writes its districts (``make_project``)."""
    spec = importlib.util.spec_from_file_location("benchmark_script", REPO / "scripts" / "benchmark.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    script.TOWN_SIZE = town_size
    dest.mkdir(parents=True)
    script.make_project(communities, dest)
    return dest
