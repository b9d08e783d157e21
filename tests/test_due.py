"""`dangjian due`: what falls due or is overdue per community, as text, CSV and a printable strip.

The scenario district is tests/fixtures/projects/due/ (its README lists every planted item), as of AS_OF
(2026-11-27: the fixture's dates are written for that day).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from support import AS_OF_ARG, PROJECTS, copy_project

from generator.commands.due import due
from generator.reports.due import report_due

DUE = PROJECTS / "due"
RULE = ("注：政策只规定每半年上报1次，未规定报送期限，半年报告按报告期最后一天到期计算；"
        "以公开栏上已公开的报告为准，已报送但未审批公开的仍列为未报送。")


@pytest.fixture(autouse=True)
def _chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DANGJIAN_LANG", raising=False)


def run(*args: str, project: Path = DUE) -> Result:
    return CliRunner().invoke(due, ["-p", str(project), "--as-of", AS_OF_ARG, *args], catch_exceptions=False)


def test_the_list_for_staff_is_exact() -> None:
    result = run()
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout == f"""截至2026年11月27日，30 天内到期和已逾期的事项共 8 项，涉及 2 个社区。

测试街道 甲社区（demo-town/alpha）
  2024-12-31  半年报告  逾期 696 天  2024年下半年六项机制推进和落实情况
  2026-06-30  半年报告  逾期 150 天  2026年上半年六项机制推进和落实情况
  2026-10-31  实施步骤  逾期 27 天   中期检查
  2026-11-15  进度节点  逾期 12 天   更换老旧楼道灯：完成全部12个楼道
  2026-11-15  承诺      逾期 12 天   更换老旧楼道灯（完成时限）
  2026-12-07  进度节点  还有 10 天   为高龄老人提供助餐服务：建成第二批助餐点
  2026-12-20  实施步骤  还有 23 天   项目验收

东岸镇 东岸社区（east-town/alpha）
  2026-11-27  进度节点  今天到期     河道沿岸环境整治：清理违章堆放

其余 1 个社区没有到期或逾期的事项。

{RULE}
"""


def test_a_milestone_in_ten_days_is_listed_within_30_and_not_within_5() -> None:
    line = "还有 10 天   为高龄老人提供助餐服务：建成第二批助餐点"
    assert line in run("--within", "30").stdout
    assert "建成第二批助餐点" in run("--within", "10").stdout  # the last day counts
    narrow = run("--within", "5").stdout
    assert "建成第二批助餐点" not in narrow
    assert "逾期 12 天" in narrow  # overdue items are listed whatever the window


def test_an_overdue_pledge_is_listed_as_overdue_with_its_days() -> None:
    out = run("--within", "0").stdout
    assert "  2026-11-15  承诺      逾期 12 天   更换老旧楼道灯（完成时限）\n" in out
    assert "  2026-11-15  进度节点  逾期 12 天   更换老旧楼道灯：完成全部12个楼道\n" in out


def test_done_and_draft_pledges_are_never_listed() -> None:
    out = run("--within", "400").stdout
    assert "小区增设休息座椅" not in out  # every milestone done
    assert "草稿承诺" not in out  # a draft: not published, so not in the site model at all


def test_half_year_reports_fall_due_on_the_last_day_of_the_half_year() -> None:
    assert report_due("2026-H1") == dt.date(2026, 6, 30)
    assert report_due("2026-H2") == dt.date(2026, 12, 31)
    out = run().stdout
    assert "2026-06-30  半年报告  逾期 150 天  2026年上半年六项机制推进和落实情况" in out
    # the previous cycle's last half-year is still asked for; older ones belong to an accepted cycle
    assert "2024年下半年六项机制推进和落实情况" in out
    assert "2023年上半年" not in out
    assert "2026年下半年" not in out  # due in 34 days
    wide = run("--within", "34").stdout
    assert "  2026-12-31  半年报告  还有 34 天   2026年下半年六项机制推进和落实情况\n" in wide
    assert "测试街道 乙社区（demo-town/beta）\n  2026-12-31  半年报告  还有 34 天" in wide


def test_plan_steps_of_the_current_cycle_are_listed() -> None:
    out = run().stdout
    assert "  2026-10-31  实施步骤  逾期 27 天   中期检查\n" in out
    assert "  2026-12-20  实施步骤  还有 23 天   项目验收\n" in out
    assert "项目立项" not in run("--within", "400").stdout  # done


def test_a_day_with_nothing_due_says_so() -> None:
    result = run("--community", "demo-town/beta")
    assert result.stdout == "截至2026年11月27日，没有 30 天内到期或已逾期的事项。\n"


def test_town_and_community_select() -> None:
    out = run("--town", "east-town").stdout
    assert out.startswith("截至2026年11月27日，30 天内到期和已逾期的事项共 1 项，涉及 1 个社区。\n")
    assert "甲社区" not in out
    assert "东岸社区" in run("--community", "east-town/alpha").stdout
    assert "乙社区（demo-town/beta）" in run("--community", "beta", "--within", "40").stdout  # a unique id is enough


@pytest.mark.parametrize(("args", "error"), [
    (["--community", "nowhere/x"], "错误：未找到已公开的社区“nowhere/x”（写成 镇id/社区id，例如 demo-town/alpha）\n"),
    (["--town", "nowhere"], "错误：未找到已公开的镇（街道）“nowhere”（写镇id，例如 demo-town）\n"),
    (["--town", "east-town", "--community", "beta"],
     "错误：未找到已公开的社区“beta”（写成 镇id/社区id，例如 demo-town/alpha）\n"),
    (["--community", "alpha"],
     "错误：社区id“alpha”在多个镇（街道）都有：demo-town/alpha、east-town/alpha；请写成 镇id/社区id\n"),
], ids=["unknown-community", "unknown-town", "not-in-town", "ambiguous"])
def test_an_unknown_selection_is_an_exact_error(args: list[str], error: str) -> None:
    result = run(*args)
    assert result.exit_code == 1
    assert result.stderr == error
    assert result.stdout == ""


@pytest.mark.parametrize("days", ["-1", "100000"])
def test_a_window_out_of_range_is_refused(days: str) -> None:
    result = run("--within", days)
    assert result.exit_code == 2
    assert "天数应为 0 到 3650 之间的整数，例如 --within 30" in result.stderr


def test_broken_records_are_located_and_nothing_is_listed(tmp_path: Path) -> None:
    root = copy_project(DUE, tmp_path / "due", {
        "communities/demo-town/alpha/pledges.yml": lambda s: s.replace("due: 2026-11-15", "due: soon")})
    result = run(project=root)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert re.search(r"communities/demo-town/alpha/pledges\.yml:\d+: ", result.stderr), result.stderr
    assert result.stderr.endswith("发现 1 个问题，未列出到期事项。\n")


def test_csv_has_one_row_per_item_and_opens_in_excel() -> None:
    out = run("--format", "csv").stdout_bytes.decode("utf-8")
    assert out.startswith("\ufeff镇（街道）,社区编号,社区,日期,类别,事项,状态,距到期天数（负数为已逾期）\r\n")
    rows = list(csv.reader(io.StringIO(out.removeprefix("\ufeff"))))
    assert len(rows) == 1 + 8
    assert rows[4] == ["测试街道", "demo-town/alpha", "甲社区", "2026-11-15", "进度节点",
                       "更换老旧楼道灯：完成全部12个楼道", "逾期 12 天", "-12"]
    assert rows[-1] == ["东岸镇", "east-town/alpha", "东岸社区", "2026-11-27", "进度节点",
                        "河道沿岸环境整治：清理违章堆放", "今天到期", "0"]


def test_csv_cells_cannot_start_a_formula(tmp_path: Path) -> None:
    root = copy_project(DUE, tmp_path / "due", {
        "communities/demo-town/alpha/pledges.yml": lambda s: s.replace("title: 更换老旧楼道灯", "title: =1+1 楼道灯")})
    rows = list(csv.reader(io.StringIO(run("--format", "csv", project=root).stdout.removeprefix("\ufeff"))))
    assert {r[5] for r in rows if "楼道灯" in r[5]} == {"'=1+1 楼道灯：完成全部12个楼道", "'=1+1 楼道灯（完成时限）"}


def test_the_strip_is_self_contained_and_lists_every_item(tmp_path: Path) -> None:
    target = tmp_path / "out" / "strip.html"
    result = run("--strip", str(target))
    assert result.exit_code == 0
    assert result.stderr == f"已写出打印条 {target}（3 个社区）\n"
    html = target.read_text(encoding="utf-8")
    assert not re.search(r"https?:|//|<link|<script|<img|<iframe|@import|url\(", html, re.I), "external asset"
    assert "@page { size: A4 portrait;" in html
    assert html.count("<section>") == 3  # one printed page per community, nothing-due ones included
    for text in ("甲社区 · 到期事项提示", "更换老旧楼道灯（完成时限）", "逾期 12 天", "2026年12月7日", "还有 10 天",
                 "2024年下半年六项机制推进和落实情况", "中期检查", "乙社区 · 到期事项提示",
                 "30 天内没有到期或已逾期的事项。", "河道沿岸环境整治：清理违章堆放", "今天到期", "示例数据"):
        assert text in html, text
    assert result.stdout == run().stdout  # the list is still printed


def test_record_text_in_the_strip_is_escaped(tmp_path: Path) -> None:
    root = copy_project(DUE, tmp_path / "due", {
        "communities/demo-town/alpha/pledges.yml":
            lambda s: s.replace("title: 更换老旧楼道灯", 'title: "<script>alert(1)</script>楼道灯 & 照明"')})
    target = tmp_path / "strip.html"
    run("--strip", str(target), project=root)
    html = target.read_text(encoding="utf-8")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;楼道灯 &amp; 照明（完成时限）" in html


def test_the_list_reads_in_english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DANGJIAN_LANG", "en")
    out = run().stdout
    assert out.startswith("As of 2026-11-27: 8 item(s) due within 30 days or overdue, in 2 communities.\n")
    assert "  2026-11-15  pledge            overdue 12 days   更换老旧楼道灯 (deadline)\n" in out

