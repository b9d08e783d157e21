"""Helpers for the resident-board tests: the fixture district, rendered with only the board producers."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

from support import AS_OF, BOARDS_DISTRICT

from generator.context import SiteContext
from generator.pages.output import Output
from generator.pages.registry import BOARD_PRODUCERS
from generator.pipeline import prepare


def context_for(project: Path = BOARDS_DISTRICT, as_of: dt.date = AS_OF) -> SiteContext:
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
