"""Helpers for the resident-board tests: the fixture district, rendered with only the board producers."""

from __future__ import annotations

import datetime as dt
import shutil
from functools import lru_cache
from pathlib import Path

from generator.context import SiteContext
from generator.pages.output import Output
from generator.pages.registry import BOARD_PRODUCERS
from generator.pipeline import prepare

BOARDS = Path(__file__).resolve().parent / "fixtures" / "boards"
DISTRICT = BOARDS / "district"
AS_OF = dt.date(2026, 11, 27)


def context_for(project: Path = DISTRICT, as_of: dt.date = AS_OF) -> SiteContext:
    result = prepare(project, as_of)
    assert result.context is not None, [str(e) for e in result.log]
    return result.context


def render_boards(context: SiteContext) -> Output:
    output = Output()
    for producer in BOARD_PRODUCERS:
        producer(context, output)
    return output


@lru_cache(maxsize=1)
def district_output() -> tuple[SiteContext, Output]:
    """The fixture district rendered once per test session (read-only for tests)."""
    context = context_for()
    return context, render_boards(context)


def copy_district(dest: Path) -> Path:
    """A writable copy of the fixture district, for tests that change records."""
    target = dest / "district"
    shutil.copytree(DISTRICT, target)
    return target
