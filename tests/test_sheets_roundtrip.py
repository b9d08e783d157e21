"""Records → workbook → records: an unedited round trip changes no byte; an edit changes only its lines."""

from __future__ import annotations

import datetime as dt
import difflib
import shutil
import subprocess
import time
from pathlib import Path

import openpyxl
import pytest
from sheets_util import (
    BOOK,
    SHEETS_COMMUNITY,
    add_cached_value,
    edit,
    export,
    import_books,
    sample_district,
    snapshot,
)
from support import copy_project

from generator.sheets.kinds import Kind
from generator.sheets.values import from_cell


@pytest.fixture
def community(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The one-community fixture project, exported to sheets/, as the current folder."""
    project = copy_project(SHEETS_COMMUNITY, tmp_path / "project")
    monkeypatch.chdir(project)
    result = export(project)
    assert result.exit_code == 0, result.output
    return project


def _diff(before: bytes, after: bytes) -> list[str]:
    old, new = before.decode("utf-8").splitlines(), after.decode("utf-8").splitlines()
    return [line for line in difflib.unified_diff(old, new, lineterm="", n=0) if line[:3] not in ("---", "+++")]


def test_the_whole_sample_district_round_trips_byte_for_byte(tmp_path: Path) -> None:
    project = sample_district(tmp_path / "district")
    before = snapshot(project)
    started = time.perf_counter()
    exported = export(project)
    exported_in = time.perf_counter() - started
    assert exported.exit_code == 0, exported.output
    books = sorted((project / "sheets").glob("*.xlsx"))
    communities = sorted(p.parent for p in (project / "communities").glob("*/*/profile.yml"))
    assert len(books) == len(communities) == 13
    started = time.perf_counter()
    imported = import_books(project, *books)
    imported_in = time.perf_counter() - started
    assert imported.exit_code == 0, imported.output
    assert imported.stdout.count("没有改动：") == 13
    assert imported.stderr == ""
    assert snapshot(project) == before
    print(f"export {exported_in:.1f} s, import {imported_in:.1f} s for {len(books)} communities")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice Calc is not installed")
def test_a_workbook_saved_by_a_spreadsheet_program_round_trips(community: Path, tmp_path: Path) -> None:
    saved = tmp_path / "saved"
    proc = subprocess.run(["soffice", "--headless", "--norestore", "--convert-to", "xlsx", "--outdir", str(saved),
                           f"sheets/{BOOK}"], capture_output=True, text=True, timeout=180,
                          env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    if not (saved / BOOK).is_file():
        pytest.skip(f"LibreOffice could not convert the workbook: {proc.stderr}")
    before = snapshot(community)
    result = import_books(community, saved / BOOK)
    assert result.exit_code == 0, result.output
    assert snapshot(community) == before


def test_edits_change_only_the_edited_lines_and_keep_comments(community: Path) -> None:
    before = snapshot(community)
    book = Path("sheets") / BOOK
    edit(book, {
        "履诺进度": {"D3": "已完成", "E3": "2026/12/20", "F3": "助餐登记表（全年）",
                 "A5": "member-patrol", "B5": "2026年12月31日", "C5": "全年巡查 50 次", "D5": "未开始"},
        "基本情况": {"B26": "7"},
    })
    wb = openpyxl.load_workbook(book)
    ws = wb["活动与会议"]
    ws.delete_rows(3)  # 党员大会
    ws.append(["2026-06-20", "走访慰问", "走访困难党员", "１５"])
    wb.save(book)
    result = import_books(community, book)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "已更新 communities/demo-town/demo-community/profile.yml",
        "已更新 communities/demo-town/demo-community/pledges.yml",
        "已更新 communities/demo-town/demo-community/activities.yml",
        "已写入 3 个文件；请运行 dangjian check 检查全部记录。",
    ]
    after = snapshot(community)
    community_dir = "demo-town/demo-community"
    assert _diff(before[f"{community_dir}/profile.yml"], after[f"{community_dir}/profile.yml"]) == [
        "@@ -54 +54 @@", "-  liaisons: 6", "+  liaisons: 7",
    ]
    assert _diff(before[f"{community_dir}/pledges.yml"], after[f"{community_dir}/pledges.yml"]) == [
        "@@ -24 +24,3 @@",
        "-        status: 进行中   # 12月底前完成",
        "+        status: 已完成   # 12月底前完成",
        "+        done_on: 2026-12-20",
        "+        evidence: 助餐登记表（全年）",
        "@@ -39,0 +42,3 @@",
        "+      - date: 2026-12-31",
        "+        title: 全年巡查 50 次",
        "+        status: 未开始",
    ]
    assert _diff(before[f"{community_dir}/activities.yml"], after[f"{community_dir}/activities.yml"]) == [
        "@@ -13,4 +12,0 @@",
        "-  - date: 2026-03-05",
        "-    type: 三会一课",
        "-    title: 党员大会",
        "-    participants: 80",
        "@@ -21,0 +18,4 @@",
        "+  - date: 2026-06-20",
        "+    type: 走访慰问",
        "+    title: 走访困难党员",
        "+    participants: 15",
    ]
    unchanged = [f for f in before if f.split("/")[-1] not in ("profile.yml", "pledges.yml", "activities.yml")]
    assert all(before[f] == after[f] for f in unchanged)


def test_importing_the_same_workbook_again_changes_nothing(community: Path) -> None:
    book = Path("sheets") / BOOK
    edit(book, {"满意度测评": {"D2": 190}})
    assert import_books(community, book).exit_code == 0
    again = import_books(community, book)
    assert again.exit_code == 0, again.output
    assert again.stdout == f"没有改动：sheets/{BOOK}\n"


def test_a_file_changed_since_the_export_is_not_overwritten_without_force(community: Path) -> None:
    book = Path("sheets") / BOOK
    surveys = community / "communities/demo-town/demo-community/assessments.yml"
    surveys.write_text(surveys.read_text(encoding="utf-8").replace("satisfied: 186", "satisfied: 187"),
                       encoding="utf-8")
    edit(book, {"满意度测评": {"D2": 190}})
    refused = import_books(community, book)
    assert refused.exit_code == 1
    assert refused.stderr.splitlines() == [
        f"sheets/{BOOK}: communities/demo-town/demo-community/assessments.yml 在导出这个工作簿之后已被修改"
        "（有人直接改了 YAML，或这个工作簿已经导入过）"
        "（提示：请重新导出后再修改；确认要用工作簿的内容覆盖时加 --force）",
        "共 1 处问题，没有写入任何文件。",
    ]
    assert "satisfied: 187" in surveys.read_text(encoding="utf-8")
    forced = import_books(community, book, args=("--force",))
    assert forced.exit_code == 0, forced.output
    assert "satisfied: 190" in surveys.read_text(encoding="utf-8")


def test_dry_run_lists_the_changes_and_writes_nothing(community: Path) -> None:
    before = snapshot(community)
    book = Path("sheets") / BOOK
    edit(book, {"满意度测评": {"D2": 190}})
    result = import_books(community, book, args=("--dry-run",))
    assert result.exit_code == 0, result.output
    assert result.stdout == "将更新 communities/demo-town/demo-community/assessments.yml（未写入）\n"
    assert snapshot(community) == before


def test_rows_for_a_file_the_community_lacks_create_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = copy_project(SHEETS_COMMUNITY, tmp_path / "project")
    (project / "communities/demo-town/demo-community/activities.yml").unlink()
    monkeypatch.chdir(project)
    assert export(project).exit_code == 0
    book = Path("sheets") / BOOK
    edit(book, {"活动与会议": {"A2": "2026-05-16", "B2": "协调会", "C2": "“1+3”党建联席会议", "D2": 10},
                "公开状态": {"B6": "草稿"}})
    result = import_books(project, book)
    assert result.exit_code == 0, result.output
    assert "已新建 communities/demo-town/demo-community/activities.yml" in result.stdout
    assert (project / "communities/demo-town/demo-community/activities.yml").read_text(encoding="utf-8") == (
        "# 由 dangjian import-xlsx 从工作簿创建（activities.yml）\n"
        "\n"
        "publication: {state: draft}\n"
        "\n"
        "activities:\n"
        "  - date: 2026-05-16\n"
        "    type: 协调会\n"
        "    title: “1+3”党建联席会议\n"
        "    participants: 10\n"
    )


def test_a_formula_is_read_by_its_last_calculated_value(community: Path) -> None:
    before = snapshot(community)
    book = Path("sheets") / BOOK
    edit(book, {"党员人数": {"E2": "=B2+C2+D2"}})
    add_cached_value(book, "党员人数", "E2", "94")
    result = import_books(community, book)
    assert result.exit_code == 0, result.output
    assert snapshot(community) == before


def test_a_cell_merged_down_a_column_counts_for_every_row(community: Path) -> None:
    before = snapshot(community)
    book = Path("sheets") / BOOK
    wb = openpyxl.load_workbook(book)
    wb["履诺进度"].merge_cells("A2:A3")  # both milestones of elderly-meals, as staff like to lay it out
    wb.save(book)
    result = import_books(community, book)
    assert result.exit_code == 0, result.output
    assert snapshot(community) == before


def test_a_hidden_sheet_is_imported_with_a_warning(community: Path) -> None:
    book = Path("sheets") / BOOK
    wb = openpyxl.load_workbook(book)
    wb["活动与会议"].sheet_state = "hidden"
    wb["活动与会议"]["D2"] = 41
    wb.save(book)
    result = import_books(community, book)
    assert result.exit_code == 0, result.output
    assert result.stderr == f"sheets/{BOOK}:活动与会议: 警告：这个工作表是隐藏的，仍按其内容导入\n"
    assert "participants: 41" in (community / "communities/demo-town/demo-community/activities.yml").read_text(
        encoding="utf-8")


def test_reordered_columns_and_extra_columns_are_fine(community: Path) -> None:
    before = snapshot(community)
    book = Path("sheets") / BOOK
    wb = openpyxl.load_workbook(book)
    ws = wb["公开承诺"]
    ws.move_range("A1:A3", cols=ws.max_column + 1)  # 承诺编号 moved to the far right
    ws.delete_cols(1)
    ws.cell(1, ws.max_column + 1, "备注")
    ws.cell(2, ws.max_column, "下周核对")
    wb.save(book)
    result = import_books(community, book)
    assert result.exit_code == 0, result.output
    assert result.stderr == f"sheets/{BOOK}:公开承诺!R1: 警告：不认识的列“备注”，已忽略\n"
    assert snapshot(community) == before


CHOICE = Kind("choice", choices=("draft", "approved"))
POSTS = Kind("tokens", item=Kind("text", coded=True))


@pytest.mark.parametrize(("kind", "raw", "value"), [
    (Kind("date"), "2026-6-30", dt.date(2026, 6, 30)),
    (Kind("date"), "2026/06/30", dt.date(2026, 6, 30)),
    (Kind("date"), "2026.6.30", dt.date(2026, 6, 30)),
    (Kind("date"), "2026年6月30日", dt.date(2026, 6, 30)),
    (Kind("date"), "２０２６－０６－３０ ", dt.date(2026, 6, 30)),
    (Kind("date"), "20260630", dt.date(2026, 6, 30)),
    (Kind("date"), 46203, dt.date(2026, 6, 30)),  # an Excel day number in a cell formatted as a number
    (Kind("date"), dt.datetime(2026, 6, 30, 0, 0), dt.date(2026, 6, 30)),
    (Kind("int"), " 12 ", 12),
    (Kind("int"), "１２", 12),
    (Kind("int"), 12.0, 12),
    (Kind("int"), "1,200", 1200),
    (Kind("number"), "2.5", 2.5),
    (Kind("number"), 3.0, 3),
    (Kind("bool"), "是", True),
    (Kind("bool"), "否 ", False),
    (Kind("bool"), True, True),
    (Kind("text"), 2025, "2025"),
    (Kind("text"), "  晴川社区\u3000", "晴川社区"),
    (Kind("text"), "=不是公式", "=不是公式"),
    (CHOICE, "已审批", "approved"),
    (CHOICE, "draft", "draft"),
    (POSTS, "书记、副书记,社区工作者1  社区工作者2", ["书记", "副书记", "社区工作者1", "社区工作者2"]),
    (Kind("lines", item=Kind("text")), "第一条\r\n\n 第二条 ", ["第一条", "第二条"]),
    (Kind("date"), None, None),
    (Kind("date"), "   ", None),
])
def test_what_staff_type_is_read_as_they_mean(kind: Kind, raw: object, value: object) -> None:
    assert from_cell(kind, raw, {"approved": "已审批", "draft": "草稿"}) == (value, None)
