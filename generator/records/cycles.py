"""Project cycles over time: which cycle a date or a half-year belongs to, and which one is current.

A community runs one two-year cycle after another (每两年为一个周期); every
record belongs to the cycle its date falls in, and past cycles stay valid.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from generator.records.periods import period_bounds
from generator.records.schema import Cycle


def cycle_at(cycles: list[Cycle], day: dt.date) -> Cycle | None:
    return next((c for c in cycles if c.contains(day)), None)


def cycle_of_period(cycles: list[Cycle], period: str) -> Cycle | None:
    """The cycle a half-year belongs to: the one holding its last day, else the last one overlapping it."""
    start, end = period_bounds(period)
    holding = cycle_at(cycles, end)
    if holding is not None:
        return holding
    overlapping = [c for c in cycles if c.start <= end and start <= c.end]
    return overlapping[-1] if overlapping else None


def cycles_hint(cycles: list[Cycle]) -> str:
    spans = ", ".join(f"{c.start} to {c.end}" for c in cycles)
    return f"the cycle runs {spans}" if len(cycles) == 1 else f"the cycles run {spans}"


def outside_message(cycles: list[Cycle], what: str) -> str:
    """``date is outside the project cycle`` (one cycle) or ``… outside every project cycle``."""
    return f"{what} is outside the project cycle" if len(cycles) == 1 else f"{what} is outside every project cycle"


@dataclass(frozen=True)
class CycleState:
    """Where a community stands on ``as_of``."""

    current: Cycle | None  # the cycle holding as_of
    past: tuple[Cycle, ...]  # ended cycles, latest first
    upcoming: Cycle | None  # declared but not started

    @property
    def between(self) -> bool:
        """The last cycle has ended and no next one is declared (or it has not started)."""
        return self.current is None and bool(self.past)


def cycle_state(cycles: list[Cycle], as_of: dt.date) -> CycleState:
    ordered = sorted(cycles, key=lambda c: c.start)
    return CycleState(
        current=cycle_at(ordered, as_of),
        past=tuple(reversed([c for c in ordered if c.end < as_of])),
        upcoming=next((c for c in ordered if c.start > as_of), None),
    )
