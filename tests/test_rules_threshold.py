"""Threshold rules at their boundaries (以上/不少于 inclusive, 超过 exclusive)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from scoring_util import ALPHA, activity, alpha, ctx, with_activities, with_members, with_profile
from support import FULL_MARKS

from generator.scoring.rules.compare import compare, fmt_percent, needed
from generator.scoring.rules.spec import ThresholdRule
from generator.scoring.rules.threshold import evaluate_threshold

W = Fraction(4)


def rule(metric: str, comparator: str, value: float, **kw: object) -> ThresholdRule:
    return ThresholdRule(kind="threshold", metric=metric, comparator=comparator, value=value, **kw)


@pytest.mark.parametrize(("word", "below", "at", "above"), [
    ("以上", False, True, True), ("不少于", False, True, True), ("达到", False, True, True),
    ("超过", False, False, True), ("以下", True, True, False), ("不超过", True, True, False),
    ("不满", True, False, False)])
def test_comparators_follow_the_legal_convention(word: str, below: bool, at: bool, above: bool) -> None:
    t = Fraction(3, 5)
    assert [compare(word, t - Fraction(1, 1000), t), compare(word, t, t), compare(word, t + Fraction(1, 1000), t)] == [
        below, at, above]


def test_exactly_60_percent_participation_fails_more_than_60_percent() -> None:
    c = with_members(alpha(), relation_in_community=50, participating=30)
    out = evaluate_threshold(rule("participation_rate", "超过", 0.6), ctx(c), W)
    assert (out.met, out.score) == (False, 0)
    assert out.explanation == "组织关系在社区的党员参与率60%(参与30人/组织关系在社区50人),不符合“超过60%”"
    assert out.gap == "需超过60%:按50人计至少需31人(目前30人)"


def test_one_more_member_passes_more_than_60_percent() -> None:
    c = with_members(alpha(), relation_in_community=50, participating=31)
    out = evaluate_threshold(rule("participation_rate", "超过", 0.6), ctx(c), W)
    assert (out.met, out.score, out.gap) == (True, W, "")
    assert out.explanation.endswith("符合“超过60%”")


def test_exactly_seven_training_days_for_every_cadre_pass_not_fewer_than_seven() -> None:
    out = evaluate_threshold(rule("cadre_training_days", "不少于", 7), ctx(alpha()), W)
    assert (out.met, out.score) == (True, W)
    assert out.explanation == "每名社区干部集中培训天数(考核年度累计):12名社区干部均达到“不少于7天”(最少7天)"
    assert [e.value for e in out.evidence][:2] == ["累计7天", "累计7天"]
    assert [e.value for e in out.evidence][-2:] == ["2025-03-10 新任书记专题培训班,4天,参加:全体社区干部",
                                                    "2025-09-15 社区工作者业务培训,3天,参加:全体社区干部"]


def test_six_and_a_half_training_days_fail_with_the_shortfall() -> None:
    c = alpha()
    trainings = [c.profile.cadres.trainings[0], c.profile.cadres.trainings[1].model_copy(update={"days": 2.5})]
    c = with_profile(c, cadres={"trainings": trainings})
    out = evaluate_threshold(rule("cadre_training_days", "不少于", 7), ctx(c), W)
    assert (out.met, out.score) == (False, 0)
    assert out.gap.startswith("需每名社区干部不少于7天:书记还差0.5天、副书记还差0.5天、")


def test_a_course_attended_by_half_the_cadres_does_not_count_for_the_others() -> None:
    """Item 3 is per cadre: 7 days of courses in the year, but the 3-day course was for six posts only."""
    c = alpha()
    half = c.profile.cadres.roles[:6]
    trainings = [c.profile.cadres.trainings[0], c.profile.cadres.trainings[1].model_copy(update={"attended": half})]
    c = with_profile(c, cadres={"trainings": trainings})
    out = evaluate_threshold(rule("cadre_training_days", "不少于", 7), ctx(c), W)
    assert (out.met, out.score) == (False, 0)
    assert out.explanation == ("每名社区干部集中培训天数(考核年度累计):12名社区干部中6名未达到“不少于7天”(最少4天),"
                               "不符合")
    assert out.gap == ("需每名社区干部不少于7天:社区工作者1还差3天、社区工作者2还差3天、社区工作者3还差3天、"
                       "社区工作者4还差3天、社区工作者5还差3天、社区工作者6还差3天")
    per_post = {e.label: e.value for e in out.evidence if e.label.startswith("社区干部·")}
    assert (per_post["社区干部·书记"], per_post["社区干部·社区工作者6"]) == ("累计7天", "累计4天")
    assert out.evidence[-1].value == ("2025-09-15 社区工作者业务培训,3天,参加:书记、副书记、居委会副主任、组织委员、"
                                      "宣传委员、纪检委员")


def test_per_cadre_evidence_points_at_each_post_line() -> None:
    c = alpha()
    out = evaluate_threshold(rule("cadre_training_days", "不少于", 7), ctx(c), W)
    text = (FULL_MARKS / ALPHA / "profile.yml").read_text(encoding="utf-8").splitlines()
    roles = [e for e in out.evidence if e.label.startswith("社区干部·")]
    assert len(roles) == 12
    first = next(i for i, line in enumerate(text) if line.startswith("  roles: [书记,")) + 1
    assert [e.line for e in roles[:8]] == [first] * 8
    assert roles[-1].line == roles[0].line + 1 and roles[-1].source == f"{ALPHA}/profile.yml"


def test_trainings_outside_the_assessment_year_do_not_count() -> None:
    # For 2026-H2 the assessment year is 2026: the 2025 trainings are not in it.
    out = evaluate_threshold(rule("cadre_training_days", "不少于", 7), ctx(alpha(), "2026-H2"), W)
    assert (out.met, out.explanation) == (False, "每名社区干部集中培训天数(考核年度累计):12名社区干部均未达到"
                                                 "“不少于7天”(最少0天),不符合")


def test_thirty_percent_cross_appointment_passes_30_percent_or_more() -> None:
    # 7 + 6 committee seats, 3 people hold both: 10 people, 3 of them cross-appointed.
    out = evaluate_threshold(rule("cross_appointment_ratio", "以上", 0.3), ctx(alpha()), W)
    assert (out.met, out.explanation) == (True, "两委班子交叉任职比例30%(交叉任职3人/两委成员10人),符合“30%以上”")
    c = with_profile(alpha(), committee={"cross_appointed": 2})  # 2 of 11
    out = evaluate_threshold(rule("cross_appointment_ratio", "以上", 0.3), ctx(c), W)
    assert (out.met, out.gap) == (False, "需30%以上:按11人计至少需4人(目前2人)")


def test_ninety_percent_satisfaction_passes_and_one_fewer_fails() -> None:
    c = alpha()
    assert evaluate_threshold(rule("satisfaction_rate", "以上", 0.9), ctx(c), W).met
    survey = c.assessments.surveys[0].model_copy(update={"satisfied": 179})
    c.assessments = c.assessments.model_copy(update={"surveys": [survey]})
    out = evaluate_threshold(rule("satisfaction_rate", "以上", 0.9), ctx(c), W)
    assert (out.met, out.gap) == (False, "需90%以上:按200人计至少需180人(目前179人)")


def test_two_coordination_meetings_pass_two_or_more_and_one_fails() -> None:
    r = rule("activity_count", "以上", 2, activity_types=["协调会"], label="考核年度内召开协调会")
    assert evaluate_threshold(r, ctx(alpha()), W).explanation == "考核年度内召开协调会2次,符合“2次以上”"
    c = with_activities(alpha(), [activity("2025-05-20", "协调会")])
    out = evaluate_threshold(r, ctx(c), W)
    assert (out.met, out.gap) == (False, "需2次以上,还差1次")


def test_missing_records_fail_with_a_plain_reason() -> None:
    c = alpha()
    c.assessments = c.assessments.model_copy(update={"surveys": []})
    out = evaluate_threshold(rule("satisfaction_rate", "以上", 0.9), ctx(c), W)
    assert (out.met, out.score) == (False, 0)
    assert out.explanation == "群众满意率:考核年度内没有满意度调查记录,不能认定“90%以上”"


def test_needed_counts_and_percent_display() -> None:
    assert needed("超过", Fraction(3, 5), 50) == 31
    assert needed("以上", Fraction(3, 5), 50) == 30
    assert needed("以上", Fraction(3, 10), 11) == 4
    assert fmt_percent(Fraction(2, 3)) == "66.7%" and fmt_percent(Fraction(3, 10)) == "30%"
