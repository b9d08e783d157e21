"""Half-year periods (``2025-H1``) and two-month windows used by reports and rules."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache


@lru_cache(maxsize=256)  # a handful of periods, asked for tens of thousands of times per build
def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    """``2025-H1`` -> (2025-01-01, 2025-06-30)."""
    year, half = int(period[:4]), period[-1]
    if half == "1":
        return dt.date(year, 1, 1), dt.date(year, 6, 30)
    return dt.date(year, 7, 1), dt.date(year, 12, 31)


def period_of(day: dt.date) -> str:
    return f"{day.year}-H{1 if day.month <= 6 else 2}"


def period_label(period: str) -> str:
    """``2025-H1`` -> ``2025年上半年``."""
    return f"{period[:4]}年{'上' if period.endswith('1') else '下'}半年"


def bimonths(year: int) -> list[tuple[dt.date, dt.date]]:
    """The six two-month windows of a year: Jan–Feb, Mar–Apr, …, Nov–Dec."""
    out = []
    for first in range(1, 13, 2):
        start = dt.date(year, first, 1)
        nxt = dt.date(year + (first + 2 > 12), (first + 1) % 12 + 1, 1)
        out.append((start, nxt - dt.timedelta(days=1)))
    return out
