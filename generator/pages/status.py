"""Pledge status as of a given day (未开始 / 进行中 / 已完成 / 逾期)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from generator.records.schema import Pledge

STATUSES = ("逾期", "进行中", "未开始", "已完成")
STATUS_IDS = {"逾期": "overdue", "进行中": "ongoing", "未开始": "not-started", "已完成": "done"}


@dataclass(frozen=True)
class PledgeStatus:
    label: str
    done: int
    total: int
    overdue_milestones: int

    @property
    def id(self) -> str:
        return STATUS_IDS[self.label]

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else (100 if self.label == "已完成" else 0)


def pledge_status(pledge: Pledge, as_of: dt.date) -> PledgeStatus:
    """Overdue when the due date or any milestone date has passed undone."""
    ms = pledge.milestones
    done = sum(1 for m in ms if m.status == "已完成")
    late = sum(1 for m in ms if m.status != "已完成" and m.date < as_of)
    all_done = bool(ms) and done == len(ms)
    if all_done:
        label = "已完成"
    elif late or pledge.due < as_of:
        label = "逾期"
    elif done or any(m.status == "进行中" for m in ms):
        label = "进行中"
    else:
        label = "未开始"
    return PledgeStatus(label, done, len(ms), late)
