"""Pledge status as of a given day (未开始 / 进行中 / 已完成 / 逾期): the one place it is worked out.

Everything a page says about a pledge's timing — its label, which milestones
are late and by how many days, how long the pledge is overdue, when it was
completed — comes from :func:`pledge_status`; templates only print it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from generator.records.schema import Milestone, Pledge

STATUSES = ("逾期", "进行中", "未开始", "已完成")
STATUS_IDS = {"逾期": "overdue", "进行中": "ongoing", "未开始": "not-started", "已完成": "done"}


@dataclass(frozen=True)
class MilestoneState:
    milestone: Milestone
    late: bool  # its date has passed and it is not done
    days_late: int  # 0 unless late


@dataclass(frozen=True)
class PledgeStatus:
    label: str
    done: int
    total: int
    overdue_milestones: int
    milestones: tuple[MilestoneState, ...] = ()
    days_overdue: int = 0  # days since the earliest missed date (0 when not overdue)
    completed_on: dt.date | None = None  # the last milestone's done_on, when every milestone is done
    first_late: Milestone | None = None  # the milestone whose date was missed first (None: the due date was)

    @property
    def id(self) -> str:
        return STATUS_IDS[self.label]

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else (100 if self.label == "已完成" else 0)

    @property
    def late(self) -> tuple[MilestoneState, ...]:
        return tuple(m for m in self.milestones if m.late)


STEP_IDS = {"已完成": "done", "逾期": "overdue", "进行中": "ongoing", "未开始": "not-started", "未完成": "unfinished"}


@dataclass(frozen=True)
class StepStatus:
    """A planned step of a cycle as of the build date."""

    label: str  # 已完成 / 逾期 / 进行中 / 未开始
    days_late: int = 0

    @property
    def id(self) -> str:
        return STEP_IDS[self.label]


def step_status(start: dt.date, end: dt.date, done_on: dt.date | None, as_of: dt.date,
                closed_on: dt.date | None = None) -> StepStatus:
    """Done when ``done_on`` is given (``days_late`` if after ``end``); late once ``end`` has passed undone.

    ``closed_on`` is the end of a cycle that has ended: a step still open then is 未完成, its lateness
    counted to the cycle's end, not growing with every later build.
    """
    if done_on is not None and done_on <= as_of:
        return StepStatus("已完成", max((done_on - end).days, 0))
    if closed_on is not None and closed_on < as_of:
        return StepStatus("未完成", max((closed_on - end).days, 0))
    if end < as_of:
        return StepStatus("逾期", (as_of - end).days)
    return StepStatus("进行中" if start <= as_of else "未开始")


def pledge_status(pledge: Pledge, as_of: dt.date) -> PledgeStatus:
    """Overdue when the due date or any milestone date has passed undone."""
    ms = pledge.milestones
    states = tuple(MilestoneState(m, late, (as_of - m.date).days if late else 0)
                   for m in ms for late in [m.status != "已完成" and m.date < as_of])
    done = sum(1 for m in ms if m.status == "已完成")
    late = sum(1 for s in states if s.late)
    all_done = bool(ms) and done == len(ms)
    if all_done:
        label = "已完成"
    elif late or pledge.due < as_of:
        label = "逾期"
    elif done or any(m.status == "进行中" for m in ms):
        label = "进行中"
    else:
        label = "未开始"
    missed = [s.milestone.date for s in states if s.late]
    if label == "逾期" and pledge.due < as_of:
        missed.append(pledge.due)
    days_overdue = (as_of - min(missed)).days if label == "逾期" and missed else 0
    late_states = sorted((s for s in states if s.late), key=lambda s: s.milestone.date)
    first_late = late_states[0].milestone if label == "逾期" and late_states and (
        pledge.due >= as_of or late_states[0].milestone.date <= pledge.due) else None
    done_days = [m.done_on for m in ms if m.done_on is not None]
    completed_on = max(done_days) if label == "已完成" and done_days else None
    return PledgeStatus(label, done, len(ms), late, states, days_overdue, completed_on, first_late)
