"""Facts, evidence and outcomes shared by the rule kinds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction

from generator.records.model import Community
from generator.records.periods import period_bounds
from generator.records.schema import MemberCounts

FactValue = bool | int | Fraction | None


@dataclass(frozen=True)
class Evidence:
    """One record behind a fact: what it says, where it is, where it is published."""

    label: str
    value: str
    source: str  # project-relative path of the YAML file
    line: int
    url: str  # site-relative link to the published record, e.g. towns/t/c/#pledge-x

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}" if self.line else self.source


@dataclass
class Fact:
    """A computed fact about a community within an assessment window."""

    name: str
    label: str
    value: FactValue
    display: str
    unit: str = ""
    evidence: list[Evidence] = field(default_factory=list)
    applicable: bool = True  # False: not due yet in this window (counts as met)
    numerator: int | None = None  # ratios keep their counts for gaps
    denominator: int | None = None
    missing: str = ""  # plain-Chinese note when the records needed are absent
    # A fact that must hold for each one of several (e.g. each cadre): every unit's value, and how units are
    # counted (("名", "社区干部")); ``value`` is then the least of them, and a threshold is met only if every
    # unit meets it.
    per_unit: list[tuple[str, Fraction]] = field(default_factory=list)
    units: tuple[str, str] = ("", "")

    @property
    def present(self) -> bool:
        """For boolean-like facts: met (or not applicable)."""
        return (not self.applicable) or bool(self.value)


@dataclass(frozen=True)
class Window:
    """The assessment window of one period.

    ``start``..``end`` is the 12 months ending at the period's end (the
    "assessment year", 考核年度), clipped to the start of the community's
    cycle and to the build date.  ``period_end`` is the period's own end; ``as_of`` the build date (a
    brand's year-end review may be dated after the period it belongs to).
    """

    period: str
    start: dt.date
    end: dt.date
    year_start: dt.date
    period_end: dt.date
    as_of: dt.date

    @classmethod
    def for_period(cls, period: str, cycle_start: dt.date, as_of: dt.date) -> Window:
        period_end = period_bounds(period)[1]
        year_start = dt.date(period_end.year - 1, period_end.month, period_end.day) + dt.timedelta(days=1)
        return cls(period, max(year_start, cycle_start), min(period_end, as_of), year_start, period_end, as_of)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    @property
    def clipped(self) -> bool:
        return self.start > self.year_start or self.end < self.period_end

    def describe(self) -> str:
        return f"{_cn(self.start)}至{_cn(self.end)}"


def _cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass
class EvalContext:
    community: Community
    window: Window

    @property
    def members(self) -> MemberCounts | None:
        """The members record of the period, else the latest one before it."""
        best = None
        for m in self.community.members.members:
            if m.period <= self.window.period and (best is None or m.period > best.period):
                best = m
        return best


@dataclass
class Outcome:
    """The result of evaluating one rule (or one condition of a combination)."""

    met: bool
    score: Fraction
    explanation: str
    gap: str = ""
    facts: list[Fact] = field(default_factory=list)
    parts_met: int = 0
    parts_total: int = 0

    @property
    def evidence(self) -> list[Evidence]:
        out: list[Evidence] = []
        for f in self.facts:
            for e in f.evidence:
                if e not in out:
                    out.append(e)
        return out
