"""The figures of the half-year report: what each table counts, per community, summed per town.

A figure is one number per community (``halfyear.CommunityHalfYear``); a town's or the
district's is :func:`total` of its communities' (counts add up, yes/no facts count the yeses,
shares add their counts).  Column headers are catalogue keys; the ids name the placeholders
of each mechanism's summary sentence (``report.summary.*``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from generator.pages.halfyear import CommunityHalfYear, Ratio, Value
from generator.records.schema import MECHANISMS, Activity, MemberCounts, ProfileFile, RosterKind
from generator.scoring.rules.metrics import COLLEGE


@dataclass(frozen=True)
class Figure:
    """A number per community for a mechanism's table; a town's or district's figure is the sum."""

    id: str  # the placeholder of this figure in the mechanism's summary sentence
    label: str  # catalogue key of the column header
    of: Callable[[CommunityHalfYear], Value]


_VALUES: list[dict[tuple[int, int], Value]] = []  # within :func:`remembered`: (figure, community) -> value


@contextmanager
def remembered() -> Iterator[None]:
    """Within this block each figure's value for a community is worked out once: an outline asks for it in a
    summary sentence, a table's row and the table's total (the district's: for every community of every town).
    The values are kept by the objects' identity, which the report keeps alive for the block."""
    _VALUES.append({})
    try:
        yield
    finally:
        _VALUES.pop()


def value(f: Figure, c: CommunityHalfYear) -> Value:
    """``f``'s value for ``c``."""
    if not _VALUES:
        return f.of(c)
    memo, key = _VALUES[-1], (id(f), id(c))
    if key not in memo:
        memo[key] = f.of(c)
    return memo[key]


def figure(f: Figure, communities: Iterable[CommunityHalfYear]) -> Value:
    return total([value(f, c) for c in communities])


def total(values: list[Value]) -> Value:
    """The figure over several communities: counts add up, yes/no facts count the yeses, shares add up."""
    present = [v for v in values if v is not None]
    if not present:
        return None
    if isinstance(present[0], Ratio):
        return sum(present[1:], present[0])  # type: ignore[arg-type]
    return sum(int(v) if isinstance(v, bool) else v for v in present)  # type: ignore[misc]


def _profile(c: CommunityHalfYear) -> ProfileFile:
    """The community's facts on the build date, as its board shows them."""
    return c.view.profile or c.view.community.profile


ROSTERS: tuple[str, ...] = RosterKind.__args__  # type: ignore[attr-defined]


def _members(c: CommunityHalfYear, get: Callable[[MemberCounts], Value]) -> Value:
    return get(c.members) if c.members else None


def _sum_of(mechanism: str, get: Callable[[Activity], int | None]) -> Callable[[CommunityHalfYear], Value]:
    return lambda c: sum(get(a) or 0 for a in c.of_mechanism(mechanism))


# The overview table (一、基本情况): one row per community (a town's report) or per town (the district's).
OVERVIEW: tuple[Figure, ...] = (
    Figure("activities", "report.col.activities", lambda c: len(c.activities)),
    Figure("meetings", "report.col.meetings", lambda c: c.meetings),
    Figure("pledges", "report.col.pledges", lambda c: len(c.pledges)),
    Figure("done", "report.col.done", lambda c: c.status_counts["已完成"]),
    Figure("overdue", "report.col.overdue", lambda c: c.status_counts["逾期"]),
    Figure("brands", "report.col.brands", lambda c: len(c.view.brands)),
    Figure("reports", "report.col.reported", lambda c: c.report is not None),
)

# Each mechanism's table (二、六项机制推进和落实情况); the ids are the placeholders of its summary sentence.
FIGURES: dict[str, tuple[Figure, ...]] = {
    MECHANISMS[0]: (
        Figure("trainings", "report.col.trainings", lambda c: len(c.trainings)),
        Figure("days", "report.col.training_days", lambda c: c.training_days),
        Figure("college", "report.col.secretary_college", lambda c: _profile(c).secretary.education in COLLEGE),
        Figure("certificate", "report.col.secretary_certificate",
               lambda c: _profile(c).secretary.social_work_certificate),
        Figure("director", "report.col.secretary_director", lambda c: _profile(c).secretary.also_director),
    ),
    MECHANISMS[1]: (
        Figure("pledges", "report.col.pledges", lambda c: len(c.pledges)),
        Figure("done", "report.col.done", lambda c: c.status_counts["已完成"]),
        Figure("done_in_period", "report.col.done_in_period", lambda c: c.done_in_period),
        Figure("ongoing", "report.col.ongoing", lambda c: c.status_counts["进行中"]),
        Figure("not_started", "report.col.not_started", lambda c: c.status_counts["未开始"]),
        Figure("overdue", "report.col.overdue", lambda c: c.status_counts["逾期"]),
        Figure("satisfaction", "report.col.satisfaction", lambda c: c.satisfaction),
    ),
    MECHANISMS[2]: (
        Figure("brands", "report.col.brands", lambda c: len(c.view.brands)),
        Figure("models", "report.col.model_brands", lambda c: c.model_brands),
        Figure("checks", "report.col.brand_checks", lambda c: c.brand_checks),
        Figure("mentions", "report.col.mentions", lambda c: c.mentions),
        Figure("visits", "report.col.site_visits", lambda c: c.activity_count(MECHANISMS[2])),
    ),
    MECHANISMS[3]: (
        Figure("activities", "report.col.activities", lambda c: c.activity_count(MECHANISMS[3])),
        Figure("participants", "report.col.participants", _sum_of(MECHANISMS[3], lambda a: a.participants)),
        Figure("in_service", "report.col.in_service", _sum_of(MECHANISMS[3], lambda a: a.in_service_participants)),
        Figure("participation", "report.col.participation", lambda c: c.participation),
    ),
    MECHANISMS[4]: (
        Figure("org_life", "report.col.org_life", lambda c: c.activity_count(MECHANISMS[4])),
        Figure("members", "report.col.members", lambda c: _members(c, lambda m: m.total)),
        Figure("floating", "report.col.floating", lambda c: _members(c, lambda m: m.floating)),
        Figure("rosters", "report.col.rosters", lambda c: _members(c, lambda m: set(ROSTERS) <= set(m.rosters))),
        Figure("cards", "report.col.cards", lambda c: _members(c, lambda m: m.inflow_cards + m.outflow_cards)),
    ),
    MECHANISMS[5]: (
        Figure("coordination", "report.col.coordination", lambda c: c.activity_count(MECHANISMS[5])),
        Figure("units", "report.col.units", lambda c: len(_profile(c).network.units)),
        Figure("joint", "report.col.joint_committee", lambda c: _profile(c).network.joint_committee),
        Figure("big", "report.col.big_committee", lambda c: _profile(c).network.big_committee),
    ),
}
