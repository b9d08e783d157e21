"""Project cycles over time: past cycles stay valid and published, the current one is shown, an ended one says so."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from scoring_util import ALPHA, prepared, rendered, replace
from support import FULL_MARKS, copy_project

from generator import urls

FIRST_CYCLE = """cycles:
  - start: 2023-01-01
    end: 2024-12-31
    declared_on: 2023-01-09
    goals: [建成党群服务站]
    steps:
      - {title: 立项, start: 2023-01-01, end: 2023-02-28, done_on: 2023-02-20}
      - {title: 调研, start: 2023-03-01, end: 2023-04-30, done_on: 2023-05-10}
      - {title: 中期检查, start: 2024-05-01, end: 2024-06-30}
      - {title: 验收, start: 2024-10-01, end: 2024-12-31}
  - start: 2025-01-01
"""
FIRST_ACCEPTANCE = """  - date: 2025-01-15
    period: 2024-H2
    team: 测试区委组织部验收组
    marks:
      - {item: 5, score: 3, comment: 首期}
      - {item: 9, score: 3, comment: 首期}
      - {item: 11, score: 4, comment: 首期}
      - {item: 23, score: 2, comment: 首期}
"""
REPORTS = """reports:
  - period: 2024-H2
    submitted_on: 2025-01-05
    summary: 首期项目收官
    mechanisms:
      - {mechanism: 社区党建品牌培育机制, done: 品牌“阿尔法先锋”完成验收, problems: 宣传不足, next_steps: 编印简报}
  - period: 2025-H2
    submitted_on: 2026-01-06
    summary: 草稿报告不公开
    publication: {state: draft}
"""


@pytest.fixture
def two_cycles(tmp_path: Path) -> Path:
    """alpha ran 2023–2024 (accepted for 2024-H2) and runs 2025–2026 (accepted for 2025-H2)."""
    return copy_project(FULL_MARKS, tmp_path / "project", {
        f"{ALPHA}/profile.yml": replace("cycles:\n  - start: 2025-01-01\n", FIRST_CYCLE),
        f"{ALPHA}/assessments.yml": lambda text: text.replace("acceptance:\n", "acceptance:\n" + FIRST_ACCEPTANCE)
        + REPORTS,
    })


def pages_of(project: Path, as_of: dt.date = dt.date(2026, 11, 27)) -> dict[str, str]:
    result = rendered(project, as_of)
    assert result.output is not None, [str(e) for e in result.log]
    return result.output.pages


def test_a_past_cycle_stays_valid_and_each_scored_period_keeps_its_own_page(two_cycles: Path) -> None:
    result = prepared(two_cycles)
    assert result.log.errors == [], [str(e) for e in result.log.errors]
    assert result.context is not None and result.context.scores is not None
    periods = [r.period for r in result.context.scores.for_community("nancheng/alpha")]
    assert sorted(periods) == ["2024-H2", "2025-H2"]
    pages = pages_of(two_cycles)
    assert urls.source(urls.period_score("nancheng", "alpha", "2024-H2")) in pages
    old = pages[urls.source(urls.period_score("nancheng", "alpha", "2024-H2"))]
    assert "这是往期考评结果" in old and "阿尔法社区考评结果（2024年下半年）" in old
    latest = pages[urls.source(urls.community_score("nancheng", "alpha"))]
    assert "这是往期考评结果" not in latest


def test_the_first_cycles_window_ends_with_it(two_cycles: Path) -> None:
    """2024-H2 looks back twelve months within the 2023–2024 cycle, not into the next one."""
    result = prepared(two_cycles)
    assert result.context is not None and result.context.scores is not None
    first = next(r for r in result.context.scores.history if r.period == "2024-H2")
    assert (first.window.start, first.window.end) == (dt.date(2024, 1, 1), dt.date(2024, 12, 31))


def test_each_cycle_has_a_page_with_its_plan_steps_and_published_reports(two_cycles: Path) -> None:
    pages = pages_of(two_cycles)
    first = pages[urls.source(urls.cycle("nancheng", "alpha", "2023-2024"))]
    assert "建成党群服务站" in first
    assert "立项 · <strong>已完成</strong>（2023年2月20日完成）" in first
    assert "调研 · <strong>已完成</strong>（2023年5月10日完成，晚于计划 10 天）" in first
    assert "中期检查 · <strong>未完成</strong>（周期结束时仍未完成，已逾期 184 天）" in first
    assert "验收 · <strong>未完成</strong>（周期结束时仍未完成）" in first  # not "逾期 696 天", growing every day
    assert ("<dt>社区党建品牌培育机制</dt><dd>品牌“阿尔法先锋”完成验收<br>存在问题：宣传不足<br>下步打算：编印简报</dd>"
            in first)
    second = pages[urls.source(urls.cycle("nancheng", "alpha", "2025-2026"))]
    assert "草稿报告不公开" not in second and "本周期暂无已公开的半年报告" in second
    assert "2025年下半年：100分" in second


def test_the_board_shows_the_current_cycle_and_links_the_past_one(two_cycles: Path) -> None:
    board = pages_of(two_cycles)[urls.source(urls.community("nancheng", "alpha"))]
    assert "当前周期：2025年1月1日至2026年12月31日" in board
    assert 'cycles/2023-2024/">2023–2024年周期</a>（已结束）' in board
    assert "下一周期尚未立项" not in board


def test_a_build_after_the_last_cycle_ended_says_so(two_cycles: Path) -> None:
    pages = pages_of(two_cycles, dt.date(2027, 3, 1))
    board = pages[urls.source(urls.community("nancheng", "alpha"))]
    assert "2025–2026年周期已于2026年12月31日结束，下一周期尚未立项。" in board
    assert "当前周期" not in board
    cycle = pages[urls.source(urls.cycle("nancheng", "alpha", "2025-2026"))]
    assert "<strong>已结束</strong>" in cycle and "下一周期尚未立项" in cycle


def test_cycles_that_overlap_are_an_error(tmp_path: Path) -> None:
    project = copy_project(FULL_MARKS, tmp_path / "p", {
        f"{ALPHA}/profile.yml": replace("cycles:\n  - start: 2025-01-01\n",
                                        "cycles:\n  - {start: 2023-06-01, end: 2025-05-31, declared_on: 2023-06-01}\n"
                                        "  - start: 2025-01-01\n")})
    text = (project / ALPHA / "profile.yml").read_text(encoding="utf-8").split("\n")
    line = next(n for n, t in enumerate(text, start=1) if t == "  - start: 2025-01-01")
    assert [str(e) for e in prepared(project).log.errors] == [
        f"{ALPHA}/profile.yml:{line}: 项目周期[1].开始日期(start): 本周期在上一个周期结束（2025-05-31）之前就开始了"
        "（提示：请按时间先后列出各周期，新周期应在上一个周期结束后开始）"]


def test_a_record_outside_every_cycle_names_all_of_them(two_cycles: Path) -> None:
    (two_cycles / ALPHA / "activities.yml").write_text(
        (two_cycles / ALPHA / "activities.yml").read_text(encoding="utf-8").replace(
            "activities:\n",
            "activities:\n  - {date: 2022-05-04, type: 公益活动, title: 周期前的活动, participants: 3}\n", 1),
        encoding="utf-8")
    errors = [str(e) for e in prepared(two_cycles).log.errors]
    assert errors == [f"{ALPHA}/activities.yml:3: 活动[0].活动日期(date): 日期不在任何一个项目周期内"
                      "（提示：各项目周期为 2023-01-01 至 2024-12-31、2025-01-01 至 2026-12-31）"]


def test_a_draft_plan_is_held_back_but_its_cycle_still_counts(two_cycles: Path) -> None:
    (two_cycles / ALPHA / "profile.yml").write_text(
        (two_cycles / ALPHA / "profile.yml").read_text(encoding="utf-8").replace(
            "    goals: [建成党群服务站]\n", "    goals: [建成党群服务站]\n    publication: {state: draft}\n"),
        encoding="utf-8")
    result = prepared(two_cycles)
    assert result.context is not None
    held = [str(h) for h in result.context.held_back]
    assert f"{ALPHA}/profile.yml: cycles[0] 2023-2024 立项计划: 草稿，尚未审批" in held
    first = pages_of(two_cycles)[urls.source(urls.cycle("nancheng", "alpha", "2023-2024"))]
    assert "立项计划尚未公开" in first and "建成党群服务站" not in first
    assert "2024年下半年" in first  # the cycle's reports and scores are still shown


def test_the_ranking_lets_you_pick_a_period_and_rows_open_that_periods_page(two_cycles: Path) -> None:
    ranking = pages_of(two_cycles)[urls.source(urls.RANKING)]
    assert '<a href="#period-2025-H2">2025年下半年</a> · <a href="#period-2024-H2">2024年下半年</a>' in ranking
    assert 'href="../towns/nancheng/alpha/score/2024-H2/">阿尔法社区</a>' in ranking


def test_the_trend_runs_across_cycles(two_cycles: Path) -> None:
    result = prepared(two_cycles)
    assert result.context is not None and result.context.scores is not None
    latest = next(r for r in result.context.scores.history if r.community == "nancheng/alpha" and r.period == "2025-H2")
    assert latest.previous is not None and latest.previous.period == "2024-H2"


def test_a_profile_written_for_one_cycle_says_how_to_list_cycles(tmp_path: Path) -> None:
    old = "cycle:\n  start: 2025-01-01\n  end: 2026-12-31\n  declared_on: 2025-01-05\n"
    new = "cycles:\n  - start: 2025-01-01\n    end: 2026-12-31\n    declared_on: 2025-01-05\n"
    project = copy_project(FULL_MARKS, tmp_path / "p", {f"{ALPHA}/profile.yml": replace(new, old)})
    line = (project / ALPHA / "profile.yml").read_text(encoding="utf-8").split("\n").index("cycle:") + 1
    assert [str(e) for e in prepared(project).log.errors] == [
        f"{ALPHA}/profile.yml:1: 项目周期(cycles): 缺少必填项",
        f"{ALPHA}/profile.yml:{line}: cycle: 未知字段（提示：社区现在保留每一个项目周期：请把“cycle：”改为“cycles：”"
        "并写成列表（在“start：”前加“- ”，其余各行再缩进两个空格））"]


OLD_PLEDGE = """  - id: old-lights
    kind: 组织承诺
    title: 楼道灯全部更换
    target: 更换全部楼道灯
    owner: 社区居委会
    published_via: [公开栏]
    published_on: 2023-03-01
    due: 2024-06-30
    milestones:
      - {date: 2024-06-30, title: 完成更换, status: 已完成, done_on: 2024-06-20}
"""
OLD_HONOUR = """commendations:
  - id: first-cycle-2024
    title: 2024年度先进社区党组织
    document_no: 测组通〔2025〕2号
    date: 2025-02-10
    communities: [nancheng/alpha]
    reason: 首期项目成效明显
    publication: {state: approved, approved_by: 测试区委组织部, approved_on: 2025-02-10}
"""


def test_the_board_shows_this_cycles_pledges_and_keeps_older_ones_folded(two_cycles: Path) -> None:
    pledges = two_cycles / ALPHA / "pledges.yml"
    pledges.write_text(pledges.read_text(encoding="utf-8").replace("pledges:\n", "pledges:\n" + OLD_PLEDGE, 1),
                       encoding="utf-8")
    board = pages_of(two_cycles)[urls.source(urls.community("nancheng", "alpha"))]
    current, _, older = board.partition("<summary>往期周期的承诺（1项）</summary>")
    assert "楼道灯全部更换" in older and "楼道灯全部更换" not in current
    assert 'id="pledge-old-lights"' in older  # old links to the board still find the pledge
    first = pages_of(two_cycles)[urls.source(urls.cycle("nancheng", "alpha", "2023-2024"))]
    assert "楼道灯全部更换</a>（组织承诺，完成时限 2024年6月30日）" in first


def test_a_cycle_page_lists_the_commendations_of_that_cycle(two_cycles: Path) -> None:
    district = two_cycles / "communities" / "district.yml"
    district.write_text(district.read_text(encoding="utf-8") + OLD_HONOUR, encoding="utf-8")
    result = pages_of(two_cycles)
    assert "<strong>2024年度先进社区党组织</strong></a>（测组通〔2025〕2号）" in result[
        urls.source(urls.cycle("nancheng", "alpha", "2025-2026"))]  # dated 2025-02-10: the second cycle
    assert "本周期暂无表彰" in result[urls.source(urls.cycle("nancheng", "alpha", "2023-2024"))]
