"""Totals, grades, shared ranks, trends, periods, commendations and town refinements."""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from pathlib import Path

import pytest
from scoring_util import ALPHA, REFINE, append, clone_community, prepared, replace
from support import AS_OF, FULL_MARKS, REPO, copy_project

from generator.records.config import Grade, SiteConfig
from generator.scoring.score import Scores, competition_ranks

SECOND_ACCEPTANCE = """  - date: 2026-07-20
    period: 2026-H1
    team: 测试区委组织部验收组
    marks:
      - {item: 5, score: 4, comment: 保持}
      - {item: 9, score: 3, comment: 略有下降}
      - {item: 11, score: 5, comment: 保持}
      - {item: 23, score: 3, comment: 保持}
"""


def scores_of(project: Path) -> Scores:
    result = prepared(project)
    assert result.log.errors == [], [str(e) for e in result.log]
    assert result.context is not None and result.context.scores is not None
    return result.context.scores


@pytest.fixture
def district(tmp_path: Path) -> Path:
    """alpha (100) and beta (lower) in 南城街道; gamma (100, a tie with alpha) in beicheng."""
    project = copy_project(FULL_MARKS, tmp_path / "project")
    clone_community(project, "nancheng", "beta", "贝塔社区", {
        "profile.yml": replace("also_director: true", "also_director: false"),  # item 2: 6 -> 3
        "members.yml": replace("participating: 31", "participating: 30"),  # item 16: 3 -> 1.5
    })
    clone_community(project, "beicheng", "gamma", "伽马社区")
    return project


def test_competition_ranks_share_ties() -> None:
    assert competition_ranks([Fraction(95), Fraction(95), Fraction(90)]) == [1, 1, 3]
    assert competition_ranks([Fraction(80), Fraction(181, 2), Fraction(181, 2), Fraction(80)]) == [3, 1, 1, 3]


def test_a_rank_is_one_more_than_the_number_of_higher_totals() -> None:
    totals = [Fraction((k * 37) % 11, 2) for k in range(60)] + [Fraction(5, 1), Fraction(10, 2)]  # ties, 5 == 10/2
    assert competition_ranks(totals) == [1 + sum(u > t for u in totals) for t in totals]


@pytest.mark.parametrize(("total", "grade"), [(100, "优秀"), (90, "优秀"), (89.9, "良好"), (80, "良好"),
                                              (60, "合格"), (59.9, "不合格"), (0, "不合格")])
def test_grade_bands_include_their_lower_bound(total: float, grade: str) -> None:
    grades = [Grade(name="优秀", min=90), Grade(name="良好", min=80), Grade(name="合格", min=60),
              Grade(name="不合格", min=0)]
    config = SiteConfig.model_construct(grades=grades)
    assert config.grade_for(total) == grade


def test_district_and_town_ranks_with_ties(district: Path) -> None:
    scores = scores_of(district)
    rows = {r.community: r for r in scores.results}
    assert {k: str(r.total) for k, r in rows.items()} == {
        "nancheng/alpha": "100", "nancheng/beta": "95.5", "beicheng/gamma": "100"}
    assert {k: (r.rank_in_district, r.rank_in_town) for k, r in rows.items()} == {
        "nancheng/alpha": (1, 1), "beicheng/gamma": (1, 1), "nancheng/beta": (3, 2)}
    assert (rows["nancheng/beta"].n_in_district, rows["nancheng/beta"].n_in_town) == (3, 2)
    assert rows["nancheng/beta"].grade == "优秀"


def test_totals_are_the_exact_sum_of_items_and_categories_stay_within_their_maximum(district: Path) -> None:
    for r in scores_of(district).history:
        assert r.total == sum(i.score for i in r.items)
        assert r.total == sum(c.score for c in r.categories)
        for c in r.categories:
            assert 0 <= c.score <= c.max
            assert c.score == sum(i.score for i in r.items if i.category == c.no)
        assert all(0 <= i.score <= i.max for i in r.items)
        assert len(r.items) == 23


def test_each_period_is_scored_separately_with_a_trend(tmp_path: Path) -> None:
    project = copy_project(FULL_MARKS, tmp_path / "project", {f"{ALPHA}/assessments.yml": append(SECOND_ACCEPTANCE)})
    scores = scores_of(project)
    h1, h2 = scores.for_community("nancheng/alpha")
    assert (h1.period, h2.period) == ("2026-H1", "2025-H2")
    assert h2.total == 100 and h2.previous is None and h2.trend is None
    # 2026-H1 looks at Jul 2025 - Jun 2026: the first-half 2026 records are missing, and item 9 fell by 1.
    assert h1.previous is h2 and h1.trend == h1.total - 100 and h1.total < 100
    assert scores.results == [h1]  # the latest period per community
    assert scores.periods == ["2026-H1", "2025-H2"]
    assert [r.community for r in scores.in_period("2025-H2")] == ["nancheng/alpha"]


def test_a_commended_community_below_the_excellence_line_is_a_warning(district: Path) -> None:
    (district / "communities/district.yml").write_text(
        (district / "communities/district.yml").read_text(encoding="utf-8") + """commendations:
  - id: xianjin-2025
    title: 2025年度先进集体
    document_no: 测组通〔2026〕1号
    date: 2026-02-26
    communities: [nancheng/alpha, nancheng/beta]
    reason: 成绩突出
""", encoding="utf-8")
    (district / "site_config.yml").write_text(
        (district / "site_config.yml").read_text(encoding="utf-8").replace("excellence_line: 90",
                                                                           "excellence_line: 96"), encoding="utf-8")
    result = prepared(district)
    assert result.log.errors == []
    text = (district / "communities/district.yml").read_text(encoding="utf-8")
    line = text[: text.index("nancheng/alpha, nancheng/beta")].count("\n") + 1
    assert [str(w) for w in result.log.warnings] == [
        f"communities/district.yml:{line}: 表彰[0].社区[1](communities): 受表彰社区 nancheng/beta"
        " 在 2025-H2 的得分为 95.5，低于表彰参考线 96（提示：请核对表彰或验收评分）"]


def test_the_excellence_warning_points_at_the_key_as_written_after_a_draft_commendation(district: Path) -> None:
    """The draft commendation is held back, so the published one is the first published; the warning must
    still say commendations[1] and the line of the key as written."""
    (district / "communities/district.yml").write_text(
        (district / "communities/district.yml").read_text(encoding="utf-8") + """commendations:
  - id: draft-first
    title: 待审表彰
    document_no: 测组通〔2026〕0号
    date: 2026-02-20
    communities: [nancheng/beta]
    reason: 尚未审批
    publication: {state: draft}
  - id: xianjin-2025
    title: 2025年度先进集体
    document_no: 测组通〔2026〕1号
    date: 2026-02-26
    communities:
      - nancheng/alpha
      - nancheng/beta
    reason: 成绩突出
""", encoding="utf-8")
    (district / "site_config.yml").write_text(
        (district / "site_config.yml").read_text(encoding="utf-8").replace("excellence_line: 90",
                                                                           "excellence_line: 96"), encoding="utf-8")
    result = prepared(district)
    assert result.log.errors == [], [str(e) for e in result.log.errors]
    text = (district / "communities/district.yml").read_text(encoding="utf-8")
    line = text[: text.index("      - nancheng/beta")].count("\n") + 1
    assert [str(w) for w in result.log.warnings] == [
        f"communities/district.yml:{line}: 表彰[1].社区[1](communities): 受表彰社区 nancheng/beta"
        " 在 2025-H2 的得分为 95.5，低于表彰参考线 96（提示：请核对表彰或验收评分）"]


def test_a_commendation_naming_an_unknown_community_is_an_error(district: Path) -> None:
    path = district / "communities/district.yml"
    path.write_text(path.read_text(encoding="utf-8") + """commendations:
  - id: xianjin-2025
    title: 2025年度先进集体
    document_no: 测组通〔2026〕1号
    date: 2026-02-26
    communities: [nancheng/zeta]
    brands: [no-such-brand]
    reason: 成绩突出
""", encoding="utf-8")
    text = path.read_text(encoding="utf-8").split("\n")
    zeta, brand = (next(n for n, t in enumerate(text, start=1) if needle in t) for needle in ("zeta", "no-such"))
    assert [str(e) for e in prepared(district).log] == [
        f"communities/district.yml:{zeta}: 表彰[0].社区[0](communities): 未知社区“nancheng/zeta”",
        f"communities/district.yml:{brand}: 表彰[0].品牌[0](brands): 未知品牌“no-such-brand”",
    ]


def test_a_town_refinement_changes_partial_credit_only_in_that_town(district: Path) -> None:
    path = district / "site_config.yml"
    path.write_text(path.read_text(encoding="utf-8") + REFINE, encoding="utf-8")
    rows = {r.community: r for r in scores_of(district).results}
    beta16 = rows["nancheng/beta"].items[15]
    assert beta16.score == 2 and beta16.refinement is not None and beta16.refinement.note == "参与率达标即得2分"
    assert rows["beicheng/gamma"].items[15].refinement is None


@pytest.mark.parametrize(("snippet", "message"), [
    ("town: xicheng\n    item: 16\n    note: x\n    steps: [0, 2, 3]",
     "考评细则细化[0].街道(town): 未知街道“xicheng”"),
    ("town: nancheng\n    item: 42\n    note: x",
     "考评细则细化[0].细则序号(item): 考评细则中没有第 42 项（提示：考评细则共有第 1—23 项）"),
    ("town: nancheng\n    item: 3\n    note: x\n    steps: [0, 4]",
     "考评细则细化[0].得分档次(steps): 第 3 项是 threshold 规则；只有清单（checklist）、组合（combination）"
     "和顺序（sequence）规则的项目才能设置得分档次（steps）"),
    ("town: nancheng\n    item: 16\n    note: x\n    steps: [0, 2, 4]",
     "考评细则细化[0].得分档次(steps): 得分档次（steps）的最后一个值必须等于本项权重 3"
     "（提示：细化只能调整部分得分，不能改变权重）"),
])
def test_refinements_that_change_items_or_weights_are_refused(district: Path, snippet: str, message: str) -> None:
    path = district / "site_config.yml"
    text = path.read_text(encoding="utf-8") + "rubric_refinements:\n  - " + snippet + "\n"
    path.write_text(text, encoding="utf-8")
    errors = [str(e) for e in prepared(district).log]
    assert len(errors) == 1
    assert errors[0].startswith("site_config.yml:") and errors[0].split(": ", 1)[1] == message


def test_a_refinement_whose_steps_do_not_start_at_zero_is_refused_at_its_line(district: Path) -> None:
    """A town may change partial credit, never give marks when no condition is met (steps[0] is 0)."""
    path = district / "site_config.yml"
    text = path.read_text(encoding="utf-8") + """rubric_refinements:
  - town: nancheng
    item: 16
    note: 未达标也给1分
    steps:
      - 1
      - 2
      - 3
"""
    path.write_text(text, encoding="utf-8")
    line = text[: text.index("      - 1\n")].count("\n") + 1
    assert [str(e) for e in prepared(district).log] == [
        f"site_config.yml:{line}: 考评细则细化[0].得分档次[0](steps): 得分档次（steps）必须从 0 开始，而不是 1："
        "一项条件都未满足时不得分（提示：steps[k] 是满足 k 项条件时的得分）"]


def test_district_indicators_at_their_targets() -> None:
    from scoring_util import alpha, with_members, with_profile

    from generator.scoring.rules.district import district_indicators

    base = alpha()
    college = [with_profile(base, secretary={"education": "大专" if i < 13 else "高中",
                                             "social_work_certificate": i < 8, "also_director": i < 6})
               for i in range(20)]
    ind = {i.id: i for i in district_indicators(college, AS_OF)}
    assert (ind["secretary_college"].value_text, ind["secretary_college"].met) == ("65%", True)  # 65%以上
    assert (ind["secretary_certificate"].value_text, ind["secretary_certificate"].met) == ("40%", True)
    assert ind["cross_appointment"].met and ind["cross_appointment"].value_text == "30%"
    fewer = [with_profile(c, secretary={"education": "高中"}) if i == 0 else c for i, c in enumerate(college)]
    assert not {i.id: i for i in district_indicators(fewer, AS_OF)}["secretary_college"].met  # 60%
    at_60 = [with_members(base, relation_in_community=50, participating=30)] * 2
    part = {i.id: i for i in district_indicators(at_60, AS_OF)}["participation"]
    assert (part.numerator, part.denominator, part.met, part.target_text) == (60, 100, False, "超过60%")


def test_one_shoulder_is_a_requirement_of_every_community_not_a_30_percent_target() -> None:
    """30% is the cross-appointment target only; "一肩挑" is asked of every community (考评细则第2项)."""
    from scoring_util import alpha, with_profile

    from generator.scoring.rules.district import district_indicators

    base = alpha()
    names = ["甲社区", "乙社区", "丙社区", "丁社区", "戊社区", "己社区", "庚社区", "辛社区", "壬社区", "癸社区"]
    ten = [with_profile(base, name=name, secretary={"also_director": i < 9}) for i, name in enumerate(names)]
    ind = {i.id: i for i in district_indicators(ten, AS_OF)}["secretary_director"]
    assert (ind.kind, ind.value_text, ind.met, ind.target_text, ind.unmet) == (
        "requirement", "90%", False, "每个社区都做到", ("癸社区",))
    assert {i.id: i for i in district_indicators(ten[:9], AS_OF)}["secretary_director"].met
    cross = {i.id: i for i in district_indicators(ten, AS_OF)}["cross_appointment"]
    assert (cross.kind, cross.target_text, cross.unmet) == ("target", "30%以上", ())


def test_refinement_extra_evidence_is_listed(district: Path) -> None:
    path = district / "site_config.yml"
    path.write_text(path.read_text(encoding="utf-8") + """rubric_refinements:
  - town: nancheng
    item: 12
    note: 同时列出品牌成效记录
    evidence:
      - metric: brand_achievements
""", encoding="utf-8")
    rows = {r.community: r for r in scores_of(district).results}
    item = rows["nancheng/alpha"].items[11]
    assert item.score == 5
    assert [e.label for e in item.evidence] == ["党建品牌", "阿尔法红色驿站·成效"]
    assert [e.label for e in rows["beicheng/gamma"].items[11].evidence] == ["党建品牌"]


def test_a_community_s_periods_come_from_the_index_as_from_the_whole_history() -> None:
    """``for_community`` keeps an index; it answers what filtering the whole history does, newest first,
    and sees a result added to the history after its first use."""
    scores = scores_of(REPO)
    keys = sorted({r.community for r in scores.history})
    assert len(keys) > 5 and len(scores.history) > len(keys)  # some communities have several periods

    def scan(key: str) -> list[object]:
        return sorted((r for r in scores.history if r.community == key), key=lambda r: r.period, reverse=True)

    assert all(scores.for_community(k) == scan(k) for k in keys)
    assert scores.for_community("no-such/community") == []
    extra = dataclasses.replace(scores.for_community(keys[0])[-1], period="2099-H1")
    scores.history.append(extra)
    assert scores.for_community(keys[0])[0] is extra and scores.for_community(keys[0]) == scan(keys[0])
