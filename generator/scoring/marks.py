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
from generator.records.cycles import cycle_of_period, cycles_hint, outside_message
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

    def err(record: Record, keys: tuple[str, ...], message: str, hint: str = "", warn: bool = False) -> None:
        (log.warn if warn else log.add)(*locate(record, fallback, *keys), message, hint)

    out: list[AcceptanceMarks] = []
    periods: dict[str, int] = {}
    cycles = c.profile.cycles
    numbers = [i.no for i in rubric.items]
    for i, acc in enumerate(c.assessments.acceptance):
        usable = True
        if cycle_of_period(cycles, acc.period) is None:
            err(acc, ("period",), outside_message(cycles, f"period {acc.period}"),
                f"{cycles_hint(cycles)}; each cycle is scored on its own")
            usable = False
        elif acc.period in periods:
            err(acc, ("period",),
                f"period {acc.period} already has an acceptance record (acceptance[{periods[acc.period]}])")
            usable = False
        periods.setdefault(acc.period, i)
        if acc.date > as_of:
            err(acc, ("date",), f"acceptance dated {acc.date} is after the build date {as_of}",
                "it is not scored yet", warn=True)
            usable = False
        entry = AcceptanceMarks(i, acc)
        seen: dict[int, int] = {}
        for j, mark in enumerate(acc.marks):
            item = rubric.item(mark.item)
            if item is None:
                err(mark, ("item",), f"unknown item {mark.item}",
                    f"the rubric has items {numbers[0]}–{numbers[-1]}")
                continue
            if mark.item in seen:
                err(mark, ("item",), f"item {mark.item} is marked twice (also marks[{seen[mark.item]}])")
                continue
            seen[mark.item] = j
            score = exact(mark.score)
            if score > item.max:
                err(mark, ("score",),
                    f"mark {fmt_number(score)} exceeds item {item.no}'s weight {fmt_number(item.max)}")
                continue
            if not one_decimal(score):
                err(mark, ("score",), f"mark {mark.score} has more than one decimal place",
                    "marks are kept to one decimal so totals add up exactly")
                continue
            src, line, _field = locate(mark, fallback)
            given = GivenMark(score, mark.comment, mark.override_reason, src, line)
            if item.assessed or mark.override_reason:
                entry.marks[item.no] = given
            else:
                entry.ignored[item.no] = given
                err(mark, (), f"mark for computed item {item.no} is ignored",
                    "a computed item can only be changed with a written override_reason", warn=True)
        for no in rubric.assessed_numbers:
            if no not in seen:
                err(acc, ("marks",), f"no mark for assessed item {no}",
                    "an acceptance record must mark every assessed item: "
                    + ", ".join(str(n) for n in rubric.assessed_numbers))
        if usable:
            out.append(entry)
    return out
