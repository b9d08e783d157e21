"""What falls due: milestones, pledges, half-year reports and plan steps, per community, for staff.

An item is listed when it is not done and its date is at most ``within`` days after the as-of day,
or when it is overdue (however long ago); items are sorted by their own date.  Whether an item is
done or late, and by how many days, comes from :mod:`generator.pages.status`, the same functions the
public board uses:

* 进度节点 a pledge's milestone: :func:`pledge_status` (its ``MilestoneState``);
* 承诺 a pledge's completion deadline (``due``): listed while :func:`pledge_status` says it is not
  closed (已完成, 部分完成 or 未兑现), so a stalled pledge stays listed; a pledge that is late only
  because of a milestone shows as that milestone's line;
* 半年报告 the report of each half-year asked for now (:func:`report_periods`), due on the
  half-year's last day (:func:`report_due`); its lateness by :func:`step_status`, as for any dated task;
* 实施步骤 a step of the current cycle's plan: :func:`step_status`, as on the cycle page.

Only published records are read (the site context holds nothing else).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from generator.errors import printable
from generator.messages import Msg, join, msg, t
from generator.pages.status import StepStatus, step_status
from generator.pages.views import CommunityView, site_views
from generator.records.cycles import cycle_of_period
from generator.records.periods import period_bounds
from generator.records.schema import Cycle
from generator.scoring.export import text_cell

if TYPE_CHECKING:
    from generator.context import SiteContext

KINDS = ("milestone", "pledge", "report", "step")  # also the order of items of the same day
KIND_LABELS = {"milestone": "due.kind.milestone", "pledge": "due.kind.pledge", "report": "due.kind.report",
               "step": "due.kind.step"}
LATE = "逾期"
DONE = "已完成"


class DueError(Exception):
    """A selection that names no published town or community."""

    def __init__(self, message: Msg) -> None:
        super().__init__(message.text("en"))
        self.message = message


@dataclass(frozen=True)
class DueItem:
    day: dt.date  # the item's own date: milestone date, pledge deadline, end of the half-year, step end
    kind: str  # one of KINDS
    title: str
    late: bool  # as status.py says: its date has passed and it is not done
    days_late: int  # 0 unless late
    days_left: int  # day - as_of (negative when the date has passed)

    @property
    def kind_label(self) -> str:
        return t(KIND_LABELS[self.kind])

    @property
    def state(self) -> str:
        if self.late:
            return t("due.state.overdue", days=self.days_late)
        if self.days_left == 0:
            return t("due.state.today")
        return t("due.state.soon", days=self.days_left)

    def _order(self) -> tuple[dt.date, int, str]:
        return self.day, KINDS.index(self.kind), self.title


@dataclass(frozen=True)
class CommunityDue:
    view: CommunityView
    items: tuple[DueItem, ...]  # by date

    @property
    def key(self) -> str:
        return self.view.community.key


@dataclass(frozen=True)
class DueList:
    as_of: dt.date
    within: int
    communities: tuple[CommunityDue, ...]  # every selected community, in district order
    site_name: str
    sample_data: bool

    @property
    def with_items(self) -> tuple[CommunityDue, ...]:
        return tuple(c for c in self.communities if c.items)

    @property
    def count(self) -> int:
        return sum(len(c.items) for c in self.communities)

    @property
    def has_reports(self) -> bool:
        return any(i.kind == "report" for c in self.communities for i in c.items)


def report_due(period: str) -> dt.date:
    """The day a half-year's report falls due: the last day of the half-year.

    The policy (三、实施步骤（三）) asks for a report on the six mechanisms 每半年 once, but sets no
    deadline; validation only requires that a report is not submitted before its half-year starts,
    and no rubric item scores reports.  So the one date the records give is the half-year's end.
    """
    return period_bounds(period)[1]


def _item(kind: str, title: str, day: dt.date, as_of: dt.date, late: bool, days_late: int) -> DueItem:
    return DueItem(day, kind, title, late, days_late if late else 0, (day - as_of).days)


def _pledge_items(cv: CommunityView, as_of: dt.date, last: dt.date) -> list[DueItem]:
    out = []
    for pv in cv.pledges:
        status = pv.status
        if status.closed:  # done, partly done or not fulfilled: nothing falls due any more
            continue
        p = pv.pledge
        for ms in status.milestones:
            m = ms.milestone
            if m.status != DONE and (ms.late or m.date <= last):
                out.append(_item("milestone", t("due.title.milestone", pledge=p.title, milestone=m.title),
                                 m.date, as_of, ms.late, ms.days_late))
        if p.due <= last:
            late = status.label in (LATE, "停滞") and p.due < as_of  # past its deadline, not done
            out.append(_item("pledge", t("due.title.pledge", pledge=p.title), p.due, as_of, late,
                             (as_of - p.due).days))
    return out


def period_text(period: str) -> str:
    return t("due.period", year=period[:4], half=t("due.half.1") if period.endswith("1") else t("due.half.2"))


def _periods(cycle: Cycle, cycles: list[Cycle]) -> list[str]:
    """The half-years whose report belongs to ``cycle`` (as the cycle page groups reports), oldest first."""
    return [period for year in range(cycle.start.year, cycle.end.year + 1) for half in (1, 2)
            for period in [f"{year}-H{half}"] if cycle_of_period(cycles, period) is cycle]


def report_periods(cv: CommunityView) -> list[str]:
    """The half-years whose reports are asked for now.

    Those of the current cycle, and the previous cycle's last one (its report is written once that
    cycle has ended, in the current one); with no cycle running, those of the cycle that ended last.
    Reports of older half-years belong to cycles already accepted and are not listed.
    """
    state = cv.cycle_state
    cycles = list(cv.community.profile.cycles)
    if state is None or (state.current is None and not state.past):
        return []
    if state.current is None:
        return _periods(state.past[0], cycles)
    previous = _periods(state.past[0], cycles)[-1:] if state.past else []
    return [*previous, *_periods(state.current, cycles)]


def _report_items(cv: CommunityView, as_of: dt.date, last: dt.date) -> list[DueItem]:
    reported = {r.period for r in cv.community.assessments.reports}  # published reports only
    out = []
    for period in report_periods(cv):
        start, day = period_bounds(period)[0], report_due(period)
        if period in reported or day > last:
            continue
        status: StepStatus = step_status(start, day, None, as_of)  # a dated task not done: late once its day passed
        out.append(_item("report", t("due.title.report", period=period_text(period)), day, as_of,
                         status.label == LATE, status.days_late))
    return out


def _step_items(cv: CommunityView, as_of: dt.date, last: dt.date) -> list[DueItem]:
    current = cv.current_cycle
    if current is None:
        return []
    return [_item("step", sv.step.title, sv.step.end, as_of, sv.status.label == LATE, sv.status.days_late)
            for sv in current.steps
            if sv.status.label != DONE and (sv.status.label == LATE or sv.step.end <= last)]


def community_items(cv: CommunityView, as_of: dt.date, within: int) -> tuple[DueItem, ...]:
    last = as_of + dt.timedelta(days=within)
    items = [*_pledge_items(cv, as_of, last), *_report_items(cv, as_of, last), *_step_items(cv, as_of, last)]
    return tuple(sorted(items, key=DueItem._order))


def select(views: list[CommunityView], town: str | None, community: str | None) -> list[CommunityView]:
    """The communities named by ``--town`` and ``--community`` (a ``town/community`` key or a unique id)."""
    example = views[0].community.key if views else "chunhui/qingchuan"
    if town is not None:
        views = [v for v in views if v.town.id == town]
        if not views:
            raise DueError(msg("due.unknown_town", town=town, example=example.split("/")[0]))
    if community is not None:
        matches = [v for v in views if community in (v.community.key, v.community.id)]
        if not matches:
            raise DueError(msg("due.unknown_community", community=community, example=example))
        if len(matches) > 1:
            keys = join(v.community.key for v in matches)
            raise DueError(msg("due.ambiguous_community", community=community, keys=keys))
        views = matches
    return views


def due_list(context: SiteContext, within: int, town: str | None = None, community: str | None = None) -> DueList:
    chosen = select(site_views(context).communities, town, community)
    site = context.config.site
    return DueList(context.as_of, within,
                   tuple(CommunityDue(cv, community_items(cv, context.as_of, within)) for cv in chosen),
                   site.name, site.sample_data)


def date_text(day: dt.date) -> str:
    return t("due.date", year=day.year, month=day.month, day=day.day)


def community_heading(cd: CommunityDue) -> str:
    return t("due.community", town=cd.view.town.name, community=cd.view.community.name, id=cd.key)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _width(text), 0)


def due_text(due: DueList) -> str:
    """The list for staff: a heading, then each community with items, one line per item."""
    date = date_text(due.as_of)
    shown = due.with_items
    if not shown:
        return t("due.nothing", date=date, within=due.within) + "\n"
    lines = [t("due.heading", date=date, within=due.within, count=due.count, communities=len(shown))]
    items = [i for cd in shown for i in cd.items]
    kind_w = max(_width(i.kind_label) for i in items)
    state_w = max(_width(i.state) for i in items)
    for cd in shown:
        lines += ["", community_heading(cd)]
        lines += [f"  {i.day.isoformat()}  {_pad(i.kind_label, kind_w)}  {_pad(i.state, state_w)}  {printable(i.title)}"
                  for i in cd.items]
    rest = len(due.communities) - len(shown)
    if rest:
        lines += ["", t("due.rest", count=rest)]
    if due.has_reports:
        lines += ["", t("due.report_rule")]
    return "\n".join(lines) + "\n"


def due_csv(due: DueList) -> str:
    """One row per item (UTF-8 with a byte-order mark, so Excel reads the Chinese)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([t("due.csv.town"), t("due.csv.key"), t("due.csv.community"), t("due.csv.date"),
                     t("due.csv.kind"), t("due.csv.item"), t("due.csv.state"), t("due.csv.days")])
    for cd in due.communities:
        for i in cd.items:
            writer.writerow([text_cell(cd.view.town.name), cd.key, text_cell(cd.view.community.name),
                             i.day.isoformat(), i.kind_label, text_cell(i.title), i.state, i.days_left])
    return "\ufeff" + buf.getvalue()
