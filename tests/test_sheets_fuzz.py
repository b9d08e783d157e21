"""Odd cell values never crash the import: every problem is a located message, and whatever is written
reads back as exactly the data the workbook holds."""

from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sheets_util import BOOK, SHEETS_COMMUNITY, export, import_books
from support import copy_project

from generator.messages import Msg
from generator.records.yamlio import parse_yaml_bytes, read_yaml
from generator.sheets.compare import same
from generator.sheets.kinds import Kind
from generator.sheets.patch import patch_text
from generator.sheets.values import from_cell

ODD_TEXT = ["=A1", "=1/0", "=SUM(B2:B9)", "=", "NaN", "nan", "inf", "-inf", "1e999", "1e-400", "0x10", "1,000",
            " 12 ", "１２", "２０２６－０６－３０", "2026/6/31", "2026年13月1日", "2026-6-30", "20260630",
            "2026-06-30 08:00", "是", "否", "TRUE", "true", "yes", "null", "~", "None", "- a", "a: b", "a #b",
            "[1, 2]", "{a: 1}", "&anchor", "*alias", "!!python/object", "#N/A", "'2026-06-30", "\u3000",
            "\u2028", "\ufeff", "\x85", "\x7f", "a\r\nb", "@@", "|", ">", "%TAG", "---", "...", "?", "'", '"',
            "社区工作者1、全体", "会议,文件 公开栏", "已审批", "approved", "草稿", "1" * 400, "9" * 5000,
            "2026" + "0" * 5000]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=dt.date(1, 1, 1)),
    st.datetimes(min_value=dt.datetime(1900, 1, 1)),
    st.times(),
    st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=9999)),
    st.sampled_from(ODD_TEXT),
    st.text(max_size=40),
)
KINDS = [Kind("text"), Kind("text", long=True), Kind("int"), Kind("number"), Kind("bool"), Kind("date"),
         Kind("choice", choices=("草稿", "approved")), Kind("tokens", item=Kind("choice", choices=("会议", "文件"))),
         Kind("tokens", item=Kind("text", coded=True)), Kind("lines", item=Kind("text"))]
EXPECTED = {"text": str, "int": int, "number": int | float, "bool": bool, "date": dt.date, "choice": str,
            "tokens": list, "lines": list}


@settings(max_examples=400, deadline=None)
@given(raw=scalars, kind=st.sampled_from(KINDS))
def test_a_cell_converts_to_a_value_or_a_message_never_an_exception(raw: Any, kind: Kind) -> None:
    value, problem = from_cell(kind, raw, {"draft": "草稿"})
    if problem is not None:
        assert isinstance(problem, Msg) and problem.text("zh") and problem.text("en")
        assert value is None
    elif value is not None:
        assert isinstance(value, EXPECTED[kind.name])
        assert not isinstance(value, bool) or kind.name == "bool"


class Exported(tuple):  # type: ignore[type-arg]
    def __repr__(self) -> str:  # hypothesis prints the fixtures of a failing example
        return "<exported workbook>"


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes, list[tuple[str, str]]]:
    """The fixture community, exported once; and every (sheet, cell) of its data area plus one new row."""
    project = copy_project(SHEETS_COMMUNITY, tmp_path_factory.mktemp("fuzz") / "project")
    assert export(project).exit_code == 0
    book = project / "sheets" / BOOK
    wb = openpyxl.load_workbook(book)
    targets = []
    for ws in wb.worksheets:
        if ws.sheet_state != "visible" or ws.title == "使用说明":
            continue
        columns = [2] if ws.title == "基本情况" else range(1, ws.max_column + 1)
        targets += [(ws.title, ws.cell(r, c).coordinate) for r in range(2, ws.max_row + 2) for c in columns]
    return Exported((project, book.read_bytes(), targets))


LOCATED = re.compile(r"^sheets/测试街道-示例社区\.xlsx:[^!:\s]+![A-Z]+[0-9]+: \S")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_odd_values_in_a_workbook_give_located_problems_and_never_crash(
        exported: tuple[Path, bytes, list[tuple[str, str]]], data: st.DataObject,
        monkeypatch: pytest.MonkeyPatch) -> None:
    project, content, targets = exported
    monkeypatch.chdir(project)
    book = Path("sheets") / BOOK
    book.write_bytes(content)
    wb = openpyxl.load_workbook(book)
    cells = data.draw(st.lists(st.tuples(st.sampled_from(targets), scalars), min_size=1, max_size=3))
    for (sheet, cell), value in cells:
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)  # an .xlsx file cannot hold these at all
        wb[sheet][cell] = value
    wb.save(book)
    before = {p: p.read_bytes() for p in (project / "communities").rglob("*.yml")}
    result = import_books(project, book, args=("--dry-run",))
    assert result.exit_code in (0, 1), result.output
    lines = result.stderr.splitlines()
    if result.exit_code == 1:
        problems, summary = lines[:-1], lines[-1]
        assert summary.endswith("没有写入任何文件。")
        assert problems and all(LOCATED.match(line) for line in problems), lines
    assert {p: p.read_bytes() for p in before} == before


# --- the YAML patcher: any edit of the data gives a text that reads back as the new data -------------------

FILES = sorted((SHEETS_COMMUNITY / "communities/demo-town/demo-community").glob("*.yml"))
new_scalars = st.one_of(
    st.booleans(), st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False), st.dates(min_value=dt.date(1900, 1, 1)),
    st.sampled_from([s for s in ODD_TEXT if not ILLEGAL_CHARACTERS_RE.search(s)]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30),
    st.just("多行\n文本\n  缩进的一行"), st.just(" 前后有空格 "),
)


def _leaves(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(data, dict):
        return [p for k, v in data.items() for p in _leaves(v, (*path, k))]
    if isinstance(data, list):
        return [(*path, "#list")] + [p for i, v in enumerate(data) for p in _leaves(v, (*path, i))]
    return [path]


def _set(data: Any, path: tuple[Any, ...], value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_the_patcher_edits_in_place_and_reads_back_exactly(data: st.DataObject) -> None:
    file = data.draw(st.sampled_from(FILES))
    text = file.read_text(encoding="utf-8")
    doc, errors = read_yaml(file, file.name)
    assert doc is not None and not errors
    new = copy.deepcopy(doc.data)
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        path = data.draw(st.sampled_from(_leaves(new)))
        if path[-1] == "#list":
            items = _get(new, path[:-1])
            action = data.draw(st.sampled_from(["delete", "copy", "clear"] if items else ["clear"]))
            if action == "delete":
                items.pop(data.draw(st.integers(min_value=0, max_value=len(items) - 1)))
            elif action == "copy":
                item = copy.deepcopy(data.draw(st.sampled_from(items)))
                items.insert(data.draw(st.integers(min_value=0, max_value=len(items))), item)
            else:
                items.clear()
        elif path:
            _set(new, path, data.draw(new_scalars))
    result, rewritten = patch_text(text, doc.data, new)
    parsed = parse_yaml_bytes(result.encode("utf-8"), file.name)
    assert parsed is not None and same(parsed, new)
    assert not rewritten, "an edit of values and list items is always made in place"
    assert result.splitlines()[:2] == text.splitlines()[:2]  # the header comments stay


def test_the_patcher_leaves_an_unchanged_file_alone() -> None:
    for file in FILES:
        text = file.read_text(encoding="utf-8")
        doc, _ = read_yaml(file, file.name)
        assert doc is not None
        assert patch_text(text, doc.data, copy.deepcopy(doc.data)) == (text, False)

