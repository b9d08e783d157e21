"""Per-period frequency: "每两月不少于1次" means every two-month window has an event."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from pathlib import Path

from score_page_util import card
from scoring_util import activity, alpha, append, ctx, rendered, with_activities, with_profile
from support import MINIMAL, copy_project

from generator.scoring.rules.frequency import evaluate_frequency
from generator.scoring.rules.spec import FrequencyRule

RULE = FrequencyRule(kind="frequency", label="集中服务活动", activity_types=["集中服务"], window="bimonth",
                     comparator="不少于", value=1)
W = Fraction(3)


def test_one_event_in_each_two_month_window_passes() -> None:
    out = evaluate_frequency(RULE, ctx(alpha()), W)
    assert (out.met, out.score, out.gap) == (True, W, "")
    assert out.explanation == "集中服务活动:6个双月中6个有活动,符合“每两月不少于1次”"


def test_eight_events_all_in_january_and_february_fail() -> None:
    days = ["2025-01-04", "2025-01-11", "2025-01-18", "2025-01-25", "2025-02-01", "2025-02-08", "2025-02-15",
            "2025-02-22"]
    c = with_activities(alpha(), [activity(d) for d in days])
    out = evaluate_frequency(RULE, ctx(c), W)
    assert (out.met, out.score) == (False, 0)
    assert out.explanation == "集中服务活动:6个双月中1个有活动,未达到“每两月不少于1次”"
    assert out.gap == ("缺少集中服务活动的双月:2025年3–4月、2025年5–6月、2025年7–8月、2025年9–10月、"
                       "2025年11–12月")


def test_five_of_six_windows_fail_and_name_the_missing_one() -> None:
    c = alpha()
    c = with_activities(c, [a for a in c.activities.activities if a.date != dt.date(2025, 9, 13)])
    out = evaluate_frequency(RULE, ctx(c), W)
    assert out.explanation == "集中服务活动:6个双月中5个有活动,未达到“每两月不少于1次”"
    assert out.gap == "缺少集中服务活动的双月:2025年9–10月"


def test_other_activity_types_do_not_count() -> None:
    c = with_activities(alpha(), [activity(f"2025-{m:02d}-10", "公益活动") for m in range(1, 13, 2)])
    assert not evaluate_frequency(RULE, ctx(c), W).met


def test_a_first_half_year_period_looks_back_twelve_months_within_the_cycle() -> None:
    # 2026-H1: windows Jul 2025 … Jun 2026.  Events in the 2025 windows count, the 2026 ones are missing.
    out = evaluate_frequency(RULE, ctx(alpha(), "2026-H1"), W)
    assert out.explanation == "集中服务活动:6个双月中3个有活动,未达到“每两月不少于1次”"
    assert out.gap == "缺少集中服务活动的双月:2026年1–2月、2026年3–4月、2026年5–6月"


def test_windows_before_the_cycle_began_are_not_counted() -> None:
    first = alpha().profile.cycles[0].model_copy(update={"start": dt.date(2025, 5, 1)})
    c = with_profile(alpha(), cycles=[first])
    out = evaluate_frequency(RULE, ctx(c), W)
    assert out.explanation == "集中服务活动:4个双月中4个有活动,符合“每两月不少于1次”(项目周期开始前的双月不计)"


def test_a_window_still_running_at_the_build_date_is_not_yet_due() -> None:
    c = alpha()
    out = evaluate_frequency(RULE, ctx(c, "2025-H2", as_of=dt.date(2025, 11, 5)), W)
    # Nov–Dec has no event by 5 November: it is not failed, only not yet due.
    assert out.met
    assert out.explanation == ("集中服务活动:5个双月中5个有活动,符合“每两月不少于1次”(2025年11–12月尚未结束,不计)")


def test_no_two_month_window_ended_yet_is_not_yet_assessable_never_full_marks() -> None:
    # A cycle that began on 1 January 2026, built on 10 February: Jan–Feb has an event but has not ended.
    first = alpha().profile.cycles[0].model_copy(update={"start": dt.date(2026, 1, 1)})
    c = with_activities(with_profile(alpha(), cycles=[first]), [activity("2026-01-10")])
    out = evaluate_frequency(RULE, ctx(c, "2026-H1", as_of=dt.date(2026, 2, 10)), W)
    assert (out.met, out.score, out.parts_met) == (False, 0, 0)
    assert out.explanation == ("集中服务活动:尚无已结束的双月(2026年1–2月尚未结束),暂不能评定是否“每两月不少于1次”,"
                               "本项条件暂不得分")
    assert out.gap == "暂不能评定:待2026年1–2月结束后按“每两月不少于1次”计算"
    assert out.facts[0].missing == "尚无已结束的双月(2026年1–2月尚未结束)"


MEMBERS_2025_H1 = """publication: {state: approved, approved_by: 测试街道党工委, approved_on: 2025-02-01}
members:
  - {period: 2025-H1, self_managed: 60, in_service: 30, floating: 10, total: 100, relation_in_community: 50,
     participating: 40, rosters: [自管]}
"""
EARLY_ACCEPTANCE = """publication: {state: approved, approved_by: 测试街道党工委, approved_on: 2025-02-26}
acceptance:
  - date: 2025-02-25
    period: 2025-H1
    team: 测试验收组
    marks:
      - {item: 5, score: 2, comment: 起步}
      - {item: 9, score: 2, comment: 起步}
      - {item: 11, score: 2, comment: 起步}
      - {item: 23, score: 2, comment: 起步}
"""


def test_the_score_page_says_a_frequency_is_not_yet_assessable(tmp_path: Path) -> None:
    """Item 16 built on 26 February 2025: participation passes, but no two-month window has ended, so the
    frequency condition scores nothing (1.5 of 3, not 3) and the page says why."""
    demo = "communities/demo-town/demo-community"
    project = copy_project(MINIMAL, tmp_path / "project", {
        f"{demo}/members.yml": append(MEMBERS_2025_H1),
        f"{demo}/assessments.yml": append(EARLY_ACCEPTANCE),
        f"{demo}/pledges.yml": lambda t: t.replace("status: 已完成, done_on: 2025-06-28, evidence: 助餐登记表",
                                                   "status: 进行中").replace(
            "status: 已完成, done_on: 2025-12-20", "status: 未开始"),
    })
    result = rendered(project, dt.date(2025, 2, 26))
    assert result.log.errors == [] and result.output is not None, [str(e) for e in result.log]
    page = result.output.pages["towns/demo-town/demo-community/score/index.md"]
    item = card(page, 16)
    assert (item.lost, item.score, item.mark) == (True, "1.5/3分", "扣1.5分")
    # The page sets the rule's words (kept as written in scores.json) with full-width marks.
    assert item.explanation == ("①组织关系在社区的党员参与率80%（参与40人/组织关系在社区50人），符合“超过60%”；"
                                "②集中服务活动：尚无已结束的双月（2025年1–2月尚未结束），暂不能评定是否“每两月不少于1次”，"
                                "本项条件暂不得分。2项条件满足1项")
    assert item.why == "差距：暂不能评定：待2025年1–2月结束后按“每两月不少于1次”计算"
