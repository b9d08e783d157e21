"""The sample district over time: a build after the running cycle ends keeps every address and says so."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from support import AS_OF, REPO

from generator import urls
from generator.pages.output import Output
from generator.pipeline import run

LATER = dt.date(2027, 3, 1)


@lru_cache(maxsize=2)
def output(day: dt.date) -> Output:
    result = run(REPO, day)
    assert result.output is not None, [str(e) for e in result.log]
    return result.output


def test_every_address_of_today_still_resolves_after_the_cycle_ends() -> None:
    now, later = output(AS_OF), output(LATER)
    assert sorted(set(now.pages) - set(later.pages)) == []
    assert sorted(set(now.files) - set(later.files)) == []


def test_a_build_after_the_cycle_shows_it_ended_and_keeps_both_cycles_archived() -> None:
    later = output(LATER)
    ended = [p for p in later.pages if urls.page_kind(p) == "community"
             and "2025–2026年周期已于2026年12月31日结束，下一周期尚未立项。" in later.pages[p]]
    assert len(ended) >= 6
    first_cycles = [p for p in later.pages if urls.page_kind(p) == "cycle" and "/cycles/2023-2024/" in p]
    assert len(first_cycles) >= 6
    for page in ended:
        assert 'cycles/2023-2024/">2023–2024年周期</a>（已结束）' in later.pages[page], page


def test_both_cycles_have_scored_periods_and_one_correction_is_shown() -> None:
    now = output(AS_OF)
    old_scores = [p for p in now.pages if urls.page_kind(p) == "period_score" and "/score/2024-H2/" in p]
    assert len(old_scores) >= 6
    corrected = [p for p in now.pages if urls.page_kind(p) == "period_score" and "本期结果已更正" in now.pages[p]]
    assert len(corrected) == 1
    assert "（已更正，原" in now.pages[urls.source(urls.RANKING)]
