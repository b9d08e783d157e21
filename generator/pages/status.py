"""Pledge status as of a given day: the one place it is worked out.

A pledge's label is one of 逾期 / 停滞 / 进行中 / 未开始 / 未兑现 / 部分完成 / 已完成:

* the milestones give 未开始, 进行中, 逾期 (a date passed undone) and 已完成 (every milestone done);
* a dated entry of ``updates`` (the last one on or before the day) overrides them: 停滞 (stalled,
  with its public explanation; the lateness is still counted and shown), 部分完成 / 未兑现 / 已完成
  (closed: lateness stops growing), 进行中 (resumed: the milestones speak again).

Everything a page says about a pledge's timing — its label, which milestones are late and by how
many days, how long the pledge is overdue, when it was completed or closed, its dated history —
comes from :func:`pledge_status`; templates only print it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from generator.records.schema import Milestone, Pledge, PledgeUpdate

# Tracker order: what needs attention first, closed outcomes last.
STATUSES = ("逾期", "停滞", "进行中", "未开始", "未兑现", "部分完成", "已完成")
STATUS_IDS = {"逾期": "overdue", "停滞": "stalled", "进行中": "ongoing", "未开始": "not-started",
              "未兑现": "unfulfilled", "部分完成": "partial", "已完成": "done"}
CORE_STATUSES = ("逾期", "进行中", "未开始", "已完成")  # always shown; the others only where they occur
RARER_STATUSES = tuple(s for s in STATUSES if s not in CORE_STATUSES)  # 停滞, 未兑现, 部分完成
CLOSED = ("未兑现", "部分完成", "已完成")  # a closed pledge is no longer late, however long ago its date passed


def shown_statuses(counts: dict[str, int]) -> tuple[str, ...]:
    """The statuses a summary lists: the four every tracker has, plus any other that occurs."""
    return tuple(s for s in STATUSES if s in CORE_STATUSES or counts.get(s))


@dataclass(frozen=True)
class HistoryEvent:
    """One dated line of a pledge's public history, oldest first."""

    date: dt.date
    kind: str  # published / milestone / update
    title: str  # what happened: 公开承诺, the milestone's title, the new status
    source: str = ""  # the evidence or source, as recorded
    explanation: str = ""  # the public explanation of an update


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
    update: PledgeUpdate | None = None  # the last status change on or before the day, if any
    history: tuple[HistoryEvent, ...] = ()

    @property
    def closed(self) -> bool:
        return self.label in CLOSED

    @property
    def explanation(self) -> str:
        """The public explanation behind the label (stalled, partly done, not fulfilled)."""
        u = self.update
        return (u.explanation or "") if u is not None and u.status == self.label else ""

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
    """Overdue when the due date or any milestone date has passed undone, unless an update says otherwise."""
    ms = pledge.milestones
    updates = [u for u in pledge.updates if u.date <= as_of]
    update = updates[-1] if updates else None
    outcome = update.status if update is not None and update.status != "进行中" else None
    # A closed pledge is judged on the day it was closed: its lateness does not grow after that.
    day = update.date if update is not None and outcome in CLOSED else as_of
    states = tuple(MilestoneState(m, late, (day - m.date).days if late else 0)
                   for m in ms for late in [m.status != "已完成" and m.date < day])
    done = sum(1 for m in ms if m.status == "已完成")
    late = sum(1 for s in states if s.late)
    all_done = bool(ms) and done == len(ms)
    overdue = bool(late) or pledge.due < day
    if all_done:
        label = "已完成"
    elif outcome is not None:
        label = outcome
    elif overdue:
        label = "逾期"
    elif done or any(m.status == "进行中" for m in ms):
        label = "进行中"
    else:
        label = "未开始"
    counts_late = label in ("逾期", "停滞") and overdue
    missed = [s.milestone.date for s in states if s.late]
    if counts_late and pledge.due < day:
        missed.append(pledge.due)
    days_overdue = (day - min(missed)).days if counts_late and missed else 0
    late_states = sorted((s for s in states if s.late), key=lambda s: s.milestone.date)
    first_late = late_states[0].milestone if counts_late and late_states and (
        pledge.due >= day or late_states[0].milestone.date <= pledge.due) else None
    done_days = [m.done_on for m in ms if m.done_on is not None]
    completed_on = None
    if label == "已完成":
        completed_on = update.date if outcome == "已完成" and update is not None else (
            max(done_days) if done_days else None)
    return PledgeStatus(label, done, len(ms), late, states, days_overdue, completed_on, first_late,
                        update, _history(pledge, as_of))


def _history(pledge: Pledge, as_of: dt.date) -> tuple[HistoryEvent, ...]:
    """Publication, every milestone done and every status change up to ``as_of``, oldest first."""
    events = [HistoryEvent(pledge.published_on, "published", "公开承诺", "、".join(pledge.published_via))]
    events += [HistoryEvent(m.done_on, "milestone", m.title, m.evidence or "")
               for m in pledge.milestones if m.done_on is not None and m.done_on <= as_of]
    events += [HistoryEvent(u.date, "update", u.status, u.source, u.explanation or "")
               for u in pledge.updates if u.date <= as_of]
    order = {"published": 0, "milestone": 1, "update": 2}
    return tuple(sorted(events, key=lambda e: (e.date, order[e.kind])))
