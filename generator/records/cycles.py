"""Project cycles over time: which cycle a date or a half-year belongs to, and which one is current.

A community runs one two-year cycle after another (每两年为一个周期); every
record belongs to the cycle its date falls in, and past cycles stay valid.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from generator.messages import Msg, join, msg
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


def cycles_hint(cycles: list[Cycle]) -> Msg:
    spans = join(msg("cycles.span", start=c.start, end=c.end) for c in cycles)
    return msg("cycles.hint_one", spans=spans) if len(cycles) == 1 else msg("cycles.hint_many", spans=spans)


def date_outside(cycles: list[Cycle]) -> Msg:
    """``date is outside the project cycle`` (one cycle) or ``… outside every project cycle``."""
    return msg("cycles.date_outside_one") if len(cycles) == 1 else msg("cycles.date_outside_many")


def period_outside(cycles: list[Cycle], period: str | None = None) -> Msg:
    """``period is outside the project cycle``, or with the period named: ``period 2024-H1 is outside …``."""
    if period is not None:
        return msg("cycles.named_period_outside_one" if len(cycles) == 1 else "cycles.named_period_outside_many",
                   period=period)
    return msg("cycles.period_outside_one") if len(cycles) == 1 else msg("cycles.period_outside_many")


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
