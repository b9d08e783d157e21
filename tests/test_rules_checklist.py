"""Checklist and combination rules: facts present, partial-credit steps, not-yet-due facts."""

from __future__ import annotations

import dataclasses
import datetime as dt
from fractions import Fraction

import pytest
from scoring_util import alpha, ctx, with_activities, with_members, with_profile

from generator.scoring.rubric import load_rubric
from generator.scoring.rules import evaluate
from generator.scoring.rules.checklist import evaluate_checklist
from generator.scoring.rules.spec import ChecklistRule, FactRef

RUBRIC, _ = load_rubric()
assert RUBRIC is not None


def score(no: int, c, period: str = "2025-H2", as_of: dt.date | None = None):  # type: ignore[no-untyped-def]
    item = RUBRIC.item(no)
    assert item is not None
    return evaluate(item.rule, ctx(c, period) if as_of is None else ctx(c, period, as_of), item.max)


def test_every_computed_item_gives_full_marks_on_the_full_marks_fixture() -> None:
    c = alpha()
    for item in RUBRIC.items:
        if not item.assessed:
            out = score(item.no, c)
            assert (item.no, out.score, out.gap) == (item.no, item.max, "")


@pytest.mark.parametrize(("cert", "college", "expected"), [
    (True, "本科", 6), (False, "大专", 3), (True, "高中", 3), (False, "中专", 0)])
def test_item_1_checks_the_secretary_with_half_points_each(cert: bool, college: str, expected: int) -> None:
    c = with_profile(alpha(), secretary={"social_work_certificate": cert, "education": college})
    assert score(1, c).score == expected


def test_item_2_combines_yijiantiao_and_cross_appointment() -> None:
    c = alpha()
    assert score(2, c).score == 6
    one = with_profile(c, secretary={"also_director": False})
    out = score(2, one)
    assert out.score == 3
    assert out.explanation == ("①书记、居委会主任“一肩挑”:否;②两委班子交叉任职比例30%(交叉任职3人/两委成员10人),"
                               "符合“30%以上”。2项条件满足1项")
    none = with_profile(one, committee={"cross_appointed": 1})
    assert score(2, none).score == 0


def test_item_16_gives_half_points_for_one_condition() -> None:
    c = with_members(alpha(), relation_in_community=50, participating=30)  # exactly 60%: fails
    out = score(16, c)
    assert out.score == Fraction(3, 2)
    assert out.parts_met == 1 and out.parts_total == 2
    both_fail = with_activities(c, [])
    assert score(16, both_fail).score == 0


def test_item_7_partial_credit_steps() -> None:
    c = alpha()
    pledges = [p.model_copy(update={"member": p.member.model_copy(update={"badge": False})}) if p.member else p
               for p in c.pledges.pledges]
    c = dataclasses.replace(c, pledges=c.pledges.model_copy(update={"pledges": pledges}))
    out = score(7, c)
    assert out.score == 3
    assert out.explanation == "满足2/3项:✓党员作出公开承诺;✗党员挂牌上岗;✓每项承诺制定履诺进度表"
    assert out.gap == "缺:党员挂牌上岗"


def test_item_15_any_of_two_activities_is_enough() -> None:
    c = alpha()
    only_visits = with_activities(c, [a for a in c.activities.activities if a.type != "结对帮扶"])
    assert score(15, only_visits).score == 4
    neither = with_activities(c, [a for a in c.activities.activities if a.type not in ("结对帮扶", "走访慰问")])
    out = score(15, neither)
    assert out.score == 0 and out.gap.startswith("需做到其一:开展结对帮扶活动、开展走访慰问活动")


def test_item_17_one_point_per_roster_and_card() -> None:
    c = with_members(alpha(), rosters=["自管"], inflow_cards=0)
    out = score(17, c)
    assert out.score == 2  # 自管 roster and outflow cards
    assert out.gap == "缺:有在职党员花名册、有流动党员花名册、有流入登记卡"


def test_a_community_without_cadres_under_40_is_not_penalised_for_item_4() -> None:
    c = with_profile(alpha(), cadres={"under_40": 0, "under_40_in_degree_study": 0})
    out = score(4, c)
    assert (out.score, out.explanation) == (4, "有40周岁以下干部参加本科以上学历教育:不适用")
    none_studying = with_profile(alpha(), cadres={"under_40_in_degree_study": 0})
    assert score(4, none_studying).score == 0


def test_weekend_activity_fact_uses_the_day_of_the_week() -> None:
    c = alpha()
    weekdays = [a.model_copy(update={"date": a.date - dt.timedelta(days=2)}) if a.type == "集中服务" else a
                for a in c.activities.activities]  # Saturdays -> Thursdays
    out = score(14, with_activities(c, weekdays))
    assert out.score == 3 and out.gap == "缺:在职党员利用周末参加活动"


def test_checklist_without_steps_is_all_or_nothing() -> None:
    rule = ChecklistRule(kind="checklist", mode="all", facts=[FactRef(metric="big_committee"),
                                                              FactRef(metric="joint_committee")])
    c = with_profile(alpha(), network={"big_committee": False})
    assert evaluate_checklist(rule, ctx(c), Fraction(4)).score == 0
    assert evaluate_checklist(rule, ctx(alpha()), Fraction(4)).score == 4
