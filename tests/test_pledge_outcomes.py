"""Pledge outcomes like a real tracker: 停滞 / 部分完成 / 未兑现 / 已完成 from dated status changes, each
with its source, a public explanation where residents are owed one, and a dated history on the page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from support import AS_OF, AS_OF_ARG, REPO, cli

from generator.pages.status import STATUSES, pledge_status, shown_statuses
from generator.pipeline import run
from generator.records.schema import Pledge

D = dt.date


def _pledge(updates: list[dict[str, Any]], milestones: list[dict[str, Any]] | None = None) -> Pledge:
    ms = [{"date": D(2026, 3, 31), "title": "完成装修", "status": "进行中"}] if milestones is None else milestones
    return Pledge.model_validate({
        "id": "canteen", "kind": "组织承诺", "title": "社区食堂开业", "target": "开业运营", "owner": "社区党委",
        "published_via": ["会议"], "published_on": D(2025, 2, 1), "due": D(2026, 6, 30), "milestones": ms,
        "updates": updates})


STALLED = {"date": D(2026, 4, 10), "status": "停滞", "source": "4月议事会纪要", "explanation": "用房未落实"}


def test_a_stalled_pledge_stays_late_and_its_lateness_keeps_counting() -> None:
    p = _pledge([STALLED])
    s = pledge_status(p, D(2026, 7, 10))
    assert (s.label, s.explanation, s.days_overdue, s.closed) == ("停滞", "用房未落实", 101, False)
    assert s.first_late is not None and s.first_late.title == "完成装修"
    assert pledge_status(p, D(2026, 8, 9)).days_overdue == 131  # a month later: still counting


def test_a_closed_outcome_freezes_lateness_on_the_day_it_was_closed() -> None:
    closed = {"date": D(2026, 5, 1), "status": "未兑现", "source": "5月党委会纪要", "explanation": "场地被收回"}
    p = _pledge([closed])
    for day in (D(2026, 5, 1), D(2027, 5, 1)):
        s = pledge_status(p, day)
        assert (s.label, s.closed, s.days_overdue, s.explanation) == ("未兑现", True, 0, "场地被收回")
        assert [m.days_late for m in s.milestones] == [31]  # counted to the closing day, not to the build


def test_a_status_change_dated_after_the_day_is_not_applied_yet() -> None:
    p = _pledge([STALLED])
    assert pledge_status(p, D(2026, 4, 9)).label == "逾期"
    assert pledge_status(p, D(2026, 4, 10)).label == "停滞"


def test_resuming_gives_the_milestones_the_word_again() -> None:
    resumed = {"date": D(2026, 5, 2), "status": "进行中", "source": "街道协调会纪要"}
    s = pledge_status(_pledge([STALLED, resumed]), D(2026, 5, 3))
    assert (s.label, s.explanation, s.update) == ("逾期", "", s.update)
    assert s.update is not None and s.update.status == "进行中"


def test_a_pledge_without_milestones_can_be_marked_done_by_a_dated_change() -> None:
    done = {"date": D(2026, 3, 1), "status": "已完成", "source": "开业公告照片"}
    s = pledge_status(_pledge([done], milestones=[]), D(2026, 11, 1))
    assert (s.label, s.completed_on, s.days_overdue) == ("已完成", D(2026, 3, 1), 0)


def test_every_milestone_done_is_done_whatever_was_said_before() -> None:
    ms = [{"date": D(2026, 3, 31), "title": "完成装修", "status": "已完成", "done_on": D(2026, 5, 20)}]
    s = pledge_status(_pledge([STALLED], milestones=ms), D(2026, 6, 1))
    assert (s.label, s.completed_on, s.explanation) == ("已完成", D(2026, 5, 20), "")


def test_the_history_is_dated_oldest_first_with_sources() -> None:
    ms = [{"date": D(2026, 3, 31), "title": "完成装修", "status": "已完成", "done_on": D(2026, 4, 10),
           "evidence": "验收单"}]
    partial = {"date": D(2026, 4, 10), "status": "部分完成", "source": "党委会纪要", "explanation": "只开放午餐"}
    ms.append({"date": D(2026, 6, 1), "title": "开业", "status": "未开始"})
    s = pledge_status(_pledge([partial], milestones=ms), D(2026, 7, 1))
    assert [(e.date, e.kind, e.title, e.source, e.explanation) for e in s.history] == [
        (D(2025, 2, 1), "published", "公开承诺", "会议", ""),
        (D(2026, 4, 10), "milestone", "完成装修", "验收单", ""),
        (D(2026, 4, 10), "update", "部分完成", "党委会纪要", "只开放午餐"),
    ]


def test_summaries_list_the_rarer_outcomes_only_where_they_occur() -> None:
    zero = dict.fromkeys(STATUSES, 0)
    assert shown_statuses(zero) == ("逾期", "进行中", "未开始", "已完成")
    assert shown_statuses({**zero, "未兑现": 1}) == ("逾期", "进行中", "未开始", "未兑现", "已完成")


C = "communities/demo-town/demo-community"
HEAD = ("publication: {state: approved, approved_by: 测试街道党工委, approved_on: 2025-02-01}\n"
        "pledges:\n  - id: p1\n    kind: 组织承诺\n    title: 助餐\n    target: 全年\n    owner: 党委\n"
        "    published_via: [会议]\n    published_on: 2025-03-01\n    due: 2025-12-31\n")
ONE_MILESTONE = "    milestones:\n      - {date: 2025-06-30, title: 半年, status: 进行中}\n"

SCENARIOS = {
    "stalled_without_explanation": (
        ONE_MILESTONE + "    updates:\n      - {date: 2025-07-01, status: 停滞, source: 会议纪要}\n",
        f"{C}/pledges.yml:14: 承诺[0].状态变更[0].公开说明(explanation): "
        "状态为“停滞”时须填写公开说明（explanation），向居民说明原因"),
    "not_fulfilled_without_explanation": (
        "    updates:\n      - {date: 2025-12-31, status: 未兑现, source: 会议纪要}\n",
        f"{C}/pledges.yml:12: 承诺[0].状态变更[0].公开说明(explanation): "
        "状态为“未兑现”时须填写公开说明（explanation），向居民说明原因"),
    "change_before_publication": (
        "    updates:\n      - {date: 2025-02-01, status: 进行中, source: 会议纪要}\n",
        f"{C}/pledges.yml:12: 承诺[0].状态变更[0].变更日期(date): 状态变更日期早于承诺公开日期（2025-03-01）"),
    "change_in_the_future": (
        "    updates:\n      - {date: 2026-12-20, status: 进行中, source: 会议纪要}\n",
        f"{C}/pledges.yml:12: 承诺[0].状态变更[0].变更日期(date): 状态变更日期晚于今天（{AS_OF_ARG}）"),
    "changes_out_of_order": (
        "    updates:\n      - {date: 2025-08-01, status: 进行中, source: 纪要一}\n"
        "      - {date: 2025-07-01, status: 进行中, source: 纪要二}\n",
        f"{C}/pledges.yml:13: 承诺[0].状态变更[1].变更日期(date): "
        "状态变更须按日期先后排列，不能早于上一条（2025-08-01）"),
    "done_while_a_milestone_is_open": (
        ONE_MILESTONE + "    updates:\n      - {date: 2025-07-01, status: 已完成, source: 会议纪要}\n",
        f"{C}/pledges.yml:14: 承诺[0].状态变更[0].变更后状态(status): 进度节点“半年”尚未完成，不能标为“已完成”"),
    "stalled_although_every_milestone_is_done": (
        "    milestones:\n      - {date: 2025-06-30, title: 半年, status: 已完成, done_on: 2025-06-20}\n"
        "    updates:\n      - {date: 2025-07-01, status: 停滞, source: 会议纪要, explanation: 暂停}\n",
        f"{C}/pledges.yml:14: 承诺[0].状态变更[0].变更后状态(status): "
        "进度节点已全部完成，最后一次状态变更不能是“停滞”"),
    "missing_source": (
        "    updates:\n      - {date: 2025-07-01, status: 进行中}\n",
        f"{C}/pledges.yml:12: 承诺[0].状态变更[0].依据或来源(source): 缺少必填项"),
}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_status_change_scenario(scenario: str, project_copy) -> None:  # type: ignore[no-untyped-def]
    text, expected = SCENARIOS[scenario]
    root: Path = project_copy("minimal")
    (root / C / "pledges.yml").write_text(HEAD + text, encoding="utf-8")
    result = cli("check", "-p", str(root), "--as-of", AS_OF_ARG)
    assert result.exit_code == 1, result.stdout
    assert result.stderr.splitlines() == [f"错误：{expected}", "发现 1 处问题，未生成任何内容。"]


def test_the_sample_board_explains_a_stalled_and_a_partly_done_pledge() -> None:
    result = run(REPO, AS_OF)
    assert result.output is not None and not result.log.errors
    board = result.output.pages["towns/wangchuan/shuiyun/index.md"]
    assert '<div class="dj-keyfig-extra"><dt>停滞</dt><dd>1</dd></div>' in board
    assert '<div class="dj-keyfig-extra"><dt>部分完成</dt><dd>1</dd></div>' in board
    assert "<strong>停滞（2026年7月20日）</strong>：原定用作服务站的村委会旧址需先完成房屋安全鉴定" in board
    tracker = result.output.pages["towns/wangchuan/shuiyun/pledges/index.md"]
    assert "<dt>结果</dt><dd>部分完成（2026年3月15日起）</dd>" in tracker
    assert ("2026年7月20日</span> 状态改为“停滞”。依据：2026年7月水韵社区居民议事会纪要。说明：原定用作服务站"
            in tracker)
    assert '<h2 id="stalled">停滞</h2>' in tracker and '<h2 id="unfulfilled">' not in tracker
    due = cli("due", "--as-of", AS_OF_ARG, "-p", str(REPO), "--within", "400")
    assert "水韵河沿岸环境整治" not in due.stdout  # closed as 部分完成: nothing falls due any more
    assert "建立居家养老服务站点" in due.stdout  # stalled: still owed
