"""Bad cells are reported all at once, each as ``文件.xlsx:工作表!C12: 说明``, and nothing is written."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from sheets_util import BOOK, SHEETS_COMMUNITY, add_cached_value, edit, export, import_books, snapshot
from support import copy_project

SHOWN = f"sheets/{BOOK}"


@pytest.fixture
def community(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    project = copy_project(SHEETS_COMMUNITY, tmp_path / "project")
    monkeypatch.chdir(project)
    result = export(project)
    assert result.exit_code == 0, result.output
    return project


def _import(project: Path) -> list[str]:
    before = snapshot(project)
    result = import_books(project, SHOWN)
    assert result.exit_code == 1, result.output
    assert snapshot(project) == before, "nothing may be written when a cell is bad"
    assert result.stdout == ""
    return result.stderr.splitlines()


def test_ten_bad_cells_give_ten_located_errors_in_one_run(community: Path) -> None:
    edit(Path(SHOWN), {
        "基本情况": {"B11": "也许"},  # secretary.also_director
        "党员人数": {"C3": "=B3/2"},  # a formula no spreadsheet program has calculated
        "公开承诺": {"L2": "2026-02-30", "J3": "会议、微信群"},
        "履诺进度": {"D3": "完成了", "A4": "no-such-pledge"},
        "品牌推广": {"F2": "www.example.gov.cn"},
        "活动与会议": {"D3": "很多", "A4": "下周三"},
        "满意度测评": {"C2": 0},
    })
    assert _import(community) == [
        f"{SHOWN}:基本情况!B11: 应填“是”或“否”",
        f"{SHOWN}:党员人数!C3: 单元格含公式，请改为数值（提示：复制后用“选择性粘贴→数值”）",
        f"{SHOWN}:公开承诺!L2: 没有 2026-02-30 这一天",
        f"{SHOWN}:公开承诺!J3: “微信群”不是可选的值（可选：会议、文件、公开栏）（提示：多个值之间用顿号“、”分隔）",
        f"{SHOWN}:履诺进度!D3: 应为以下之一：未开始、进行中、已完成",
        f"{SHOWN}:履诺进度!A4: 工作表“公开承诺”中没有“no-such-pledge”",
        f"{SHOWN}:品牌推广!F2: 应为以 http:// 或 https:// 开头的网址",
        f"{SHOWN}:活动与会议!D3: 应为整数",
        f"{SHOWN}:活动与会议!A4: 应为日期，例如 2026-06-30",
        f"{SHOWN}:满意度测评!C2: 必须大于 0",
        "共 10 处问题，没有写入任何文件。",
    ]


def test_a_new_row_missing_a_required_value_is_located_at_its_cell(community: Path) -> None:
    edit(Path(SHOWN), {"活动与会议": {"B5": "集中服务", "C5": "新的集中服务", "D5": 12}})
    assert _import(community) == [f"{SHOWN}:活动与会议!A5: 缺少必填项", "共 1 处问题，没有写入任何文件。"]


def test_an_approved_record_without_approval_details_is_located_at_its_state(community: Path) -> None:
    edit(Path(SHOWN), {"活动与会议": {"G2": "已审批"}})
    assert _import(community) == [
        f"{SHOWN}:活动与会议!G2: 已审批（approved）的记录需要填写审批单位（approved_by）和审批日期（approved_on）",
        "共 1 处问题，没有写入任何文件。",
    ]


def test_a_child_row_without_its_parent_key_and_a_duplicate_parent(community: Path) -> None:
    edit(Path(SHOWN), {"履诺进度": {"A2": None}, "公开承诺": {"A3": "elderly-meals"}})
    assert _import(community) == [
        f"{SHOWN}:公开承诺!A3: “elderly-meals”与上面的记录重复",
        f"{SHOWN}:履诺进度!A2: 请填写“所属承诺编号(pledge)”",
        f"{SHOWN}:履诺进度!A4: 工作表“公开承诺”中没有“member-patrol”",
        "共 3 处问题，没有写入任何文件。",
    ]


def test_a_deleted_column_and_a_deleted_sheet_are_errors_not_deletions(community: Path) -> None:
    wb = openpyxl.load_workbook(SHOWN)
    wb["履诺进度"].delete_cols(6)  # 佐证(evidence)
    del wb["品牌成效"]
    wb.save(SHOWN)
    assert _import(community) == [
        f"{SHOWN}: 缺少工作表“品牌成效”（提示：不要删除或重命名工作表；不需要的记录请删除行）",
        f"{SHOWN}:履诺进度: 缺少列“佐证(evidence)”（提示：不要删除或改动表头；可以调整列的顺序）",
        "共 2 处问题，没有写入任何文件。",
    ]


def test_a_workbook_not_made_by_export_is_refused(community: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "公开承诺"
    wb.save("sheets/新建.xlsx")
    Path("sheets/旧格式.xlsx").write_bytes(b"\xd0\xcf\x11\xe0 an old .xls file")
    result = import_books(community, "sheets/新建.xlsx", "sheets/旧格式.xlsx")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "sheets/新建.xlsx: 不是由 dangjian export-xlsx 导出的工作簿（缺少隐藏的 _meta 工作表）"
        "（提示：请在导出的工作簿中修改，不要把内容复制到新建的工作簿）",
        "sheets/旧格式.xlsx: 不是 .xlsx 工作簿（提示：在 Excel 或 WPS 中“另存为”Excel 工作簿（*.xlsx））",
        "共 2 处问题，没有写入任何文件。",
    ]


def test_error_cells_and_control_characters_are_located(community: Path) -> None:
    edit(Path(SHOWN), {"活动与会议": {"C2": "迎新春\x7f集中服务", "D2": "=1/0"}})
    add_cached_value(Path(SHOWN), "活动与会议", "D2", "#DIV/0!", error=True)
    assert _import(community) == [
        f"{SHOWN}:活动与会议!C2: 含有不可见的控制字符（U+007F）（提示：请重新输入这个单元格，不要从其他软件粘贴）",
        f"{SHOWN}:活动与会议!D2: 单元格是错误值 #DIV/0!",
        "共 2 处问题，没有写入任何文件。",
    ]


def test_export_refuses_a_community_whose_records_do_not_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = copy_project(SHEETS_COMMUNITY, tmp_path / "project", {
        "communities/demo-town/demo-community/activities.yml":
            lambda text: text.replace("participants: 80", "participants: 很多"),
    })
    monkeypatch.chdir(project)
    result = export(project)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "错误：communities/demo-town/demo-community/activities.yml:16: 活动[1].参加人数(participants): 应为整数",
        "没有导出 demo-town/demo-community",
        "1 个社区没有导出；请先运行 dangjian check 修正上面的问题",
    ]
    assert not (project / "sheets").exists()


def test_export_refuses_what_a_workbook_could_not_carry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = copy_project(SHEETS_COMMUNITY, tmp_path / "project", {
        "communities/demo-town/demo-community/profile.yml":
            lambda text: text.replace("secretary: {also_director: false}",
                                      "network: {units: [{name: 新党支部, kind: 两新组织}]}"),
    })
    monkeypatch.chdir(project)
    result = export(project)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "错误：communities/demo-town/demo-community/profile.yml:82: 事实变更[0].组织网络.成员单位(units): "
        "这项内容无法在表格中原样编辑，因此没有导出这个社区（提示：请直接在 YAML 文件中修改这一项）")


def test_unknown_community_or_town(tmp_path: Path) -> None:
    project = copy_project(SHEETS_COMMUNITY, tmp_path / "project")
    result = export(project, "--community", "demo-town/nowhere")
    assert result.exit_code == 1
    assert result.stderr == "没有社区 demo-town/nowhere（应写成 镇id/社区id，例如 chunhui/qingchuan）\n"
    result = export(project, "--town", "nowhere")
    assert result.stderr == "没有镇（街道）nowhere，或其中没有社区\n"
