"""Acceptance marks (验收评分): check them against the rubric and pick the ones to use.

Build errors: a mark above the item's weight, an unknown item, an item marked
twice, an assessed item left unmarked, an acceptance period outside the
cycle or listed twice.  A mark on a computed item is only used when it
carries a written ``override_reason``; otherwise it is ignored with a warning.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from generator.errors import ErrorLog
from generator.messages import Msg, join, msg
from generator.records.cycles import cycle_of_period, cycles_hint, period_outside
from generator.records.model import Community
from generator.records.schema import Acceptance, Record, locate
from generator.scoring.rules.assessed import GivenMark
from generator.scoring.rules.compare import fmt_number
from generator.scoring.rules.spec import exact, one_decimal

if TYPE_CHECKING:
    from generator.scoring.rubric import Rubric


@dataclass
class AcceptanceMarks:
    """One usable acceptance record of a community."""

    index: int
    record: Acceptance
    marks: dict[int, GivenMark] = field(default_factory=dict)  # item -> mark
    ignored: dict[int, GivenMark] = field(default_factory=dict)  # computed items, no override_reason


def check_acceptance(c: Community, rubric: Rubric, as_of: dt.date, log: ErrorLog) -> list[AcceptanceMarks]:
    fallback = f"{c.rel_dir}/assessments.yml"

    def err(record: Record, keys: tuple[str, ...], message: Msg, warn: bool = False) -> None:
        (log.warn if warn else log.add)(*locate(record, fallback, *keys), message)

    out: list[AcceptanceMarks] = []
    periods: dict[str, int] = {}
    cycles = c.profile.cycles
    numbers = [i.no for i in rubric.items]
    for i, acc in enumerate(c.assessments.acceptance):
        usable = True
        if cycle_of_period(cycles, acc.period) is None:
            err(acc, ("period",), period_outside(cycles, acc.period).with_hint(
                msg("marks.hint.cycle_scored_alone", cycles=cycles_hint(cycles))))
            usable = False
        elif acc.period in periods:
            err(acc, ("period",), msg("marks.period_has_acceptance", period=acc.period, index=periods[acc.period]))
            usable = False
        periods.setdefault(acc.period, i)
        if acc.date > as_of:
            err(acc, ("date",), msg("marks.acceptance_after_build", date=acc.date, as_of=as_of), warn=True)
            usable = False
        entry = AcceptanceMarks(i, acc)
        seen: dict[int, int] = {}
        for j, mark in enumerate(acc.marks):
            item = rubric.item(mark.item)
            if item is None:
                err(mark, ("item",), msg("marks.unknown_item", item=mark.item, first=numbers[0], last=numbers[-1]))
                continue
            if mark.item in seen:
                err(mark, ("item",), msg("marks.item_marked_twice", item=mark.item, other=seen[mark.item]))
                continue
            seen[mark.item] = j
            score = exact(mark.score)
            if score > item.max:
                err(mark, ("score",),
                    msg("marks.mark_exceeds_weight", mark=fmt_number(score), item=item.no, weight=fmt_number(item.max)))
                continue
            if not one_decimal(score):
                err(mark, ("score",), msg("marks.mark_decimals", mark=mark.score))
                continue
            src, line, _field = locate(mark, fallback)
            given = GivenMark(score, mark.comment, mark.override_reason, src, line)
            if item.assessed or mark.override_reason:
                entry.marks[item.no] = given
            else:
                entry.ignored[item.no] = given
                err(mark, (), msg("marks.computed_mark_ignored", item=item.no), warn=True)
        for no in rubric.assessed_numbers:
            if no not in seen:
                err(acc, ("marks",), msg("marks.missing_assessed", item=no, items=join(rubric.assessed_numbers)))
        if usable:
            out.append(entry)
    return out
