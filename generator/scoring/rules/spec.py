"""Rule declarations as they appear in the rubric data (``rubric.yml``).

Every item of the rubric declares exactly one rule.  The kinds are:

* ``threshold`` - a computed metric compared with a number (天, 次, %, 个);
* ``checklist`` - several facts that must be present (all of, or any of);
* ``frequency`` - events per window, e.g. every two-month window has >= 1;
* ``assessed`` - a mark given by the acceptance inspection team;
* ``combination`` - all of several computed conditions, with partial credit;
* ``sequence`` - stages of one brand's same year, in order, each within its
  part of the year (the windows are data, in the rubric).

Numbers are read into :class:`fractions.Fraction` from their decimal text, so
``0.3`` is exactly 3/10 and totals are exact sums.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from generator.records.schema import ActivityType, Record, Text

MetricName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
# Comparators are named after the legal words (民法典 第一千二百五十九条):
# 以上/以下/不少于/不超过/达到 include the number itself; 超过/不满 exclude it.
Comparator = Literal["以上", "不少于", "达到", "超过", "以下", "不超过", "不满"]
Number = Annotated[float, Field(ge=0, le=1_000_000)]


def exact(value: float | int) -> Fraction:
    """A YAML number as an exact fraction of its decimal text (0.3 -> 3/10)."""
    return Fraction(str(value))


def one_decimal(value: Fraction) -> bool:
    """Scores are kept to at most one decimal place so sums display exactly."""
    return (value * 10).denominator == 1


class FactRef(Record):
    """One fact a checklist looks for: a boolean metric, with optional activity types."""

    metric: MetricName
    activity_types: list[ActivityType] | None = None
    label: Text | None = Field(None, description="覆盖默认的事实名称")


class ThresholdRule(Record):
    kind: Literal["threshold"]
    metric: MetricName
    activity_types: list[ActivityType] | None = None
    comparator: Comparator
    value: Number
    label: Text | None = None

    @property
    def conditions(self) -> int:
        return 1


class ChecklistRule(Record):
    kind: Literal["checklist"]
    mode: Literal["all", "any"] = "all"
    facts: list[FactRef] = Field(min_length=1)
    steps: list[Number] | None = Field(None, description="满足 0、1、2…项事实时的得分")

    @property
    def conditions(self) -> int:
        return len(self.facts)


class FrequencyRule(Record):
    kind: Literal["frequency"]
    label: Text = Field(description="活动名称, e.g. 集中服务活动")
    activity_types: list[ActivityType] = Field(min_length=1)
    window: Literal["bimonth"] = "bimonth"
    comparator: Literal["以上", "不少于", "达到", "超过"] = "不少于"
    value: Annotated[int, Field(ge=0, le=100)] = 1

    @property
    def conditions(self) -> int:
        return 1


class AssessedRule(Record):
    kind: Literal["assessed"]
    evidence: list[FactRef] = Field(default_factory=list, description="供验收组参考的事实")

    @property
    def conditions(self) -> int:
        return 0


MonthDay = Annotated[str, StringConstraints(pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]


class Stage(Record):
    """One stage of a brand's year (``brands.yml`` ``years[].plan``/``midyear``/``yearend``) and its window."""

    stage: Literal["plan", "midyear", "yearend"] = Field(description="brands.yml 中 years[] 的环节")
    label: Text = Field(description="环节名称, e.g. 年初有计划")
    start: MonthDay = Field(description="所属时段的开始月日, e.g. 01-01")
    end: MonthDay = Field(description="所属时段的结束月日(含)")
    end_next_year: bool = Field(False, description="结束日在次年 (年终验收可在次年年初进行, 仍属被验收的年度)")

    def bounds(self, year: int) -> tuple[dt.date, dt.date]:
        """The stage's part of ``year`` (the end may fall in the next year)."""
        (sm, sd), (em, ed) = (map(int, self.start.split("-")), map(int, self.end.split("-")))
        return dt.date(year, sm, sd), dt.date(year + self.end_next_year, em, ed)


class SequenceRule(Record):
    """Stages of one brand's same year, in order, each within its part of that year (年初计划—半年检查—年终验收)."""

    kind: Literal["sequence"]
    stages: list[Stage] = Field(min_length=2, max_length=9)
    steps: list[Number] | None = Field(None, description="按顺序做到 0、1、2…个环节时的得分")

    @property
    def conditions(self) -> int:
        return len(self.stages)


Condition = Annotated[ThresholdRule | ChecklistRule | FrequencyRule, Field(discriminator="kind")]


class CombinationRule(Record):
    kind: Literal["combination"]
    mode: Literal["all"] = "all"
    parts: list[Condition] = Field(min_length=2)
    steps: list[Number] | None = Field(None, description="满足 0、1、2…项条件时的得分")

    @property
    def conditions(self) -> int:
        return len(self.parts)


Rule = Annotated[
    ThresholdRule | ChecklistRule | FrequencyRule | AssessedRule | CombinationRule | SequenceRule,
    Field(discriminator="kind")]
