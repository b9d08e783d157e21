"""``export-xlsx``: one workbook per community, one worksheet per kind of record.

Headers are frozen and carry the YAML key; enumerations get a drop-down list, dates a date check
and the ``yyyy-mm-dd`` format, yes/no a 是/否 list.  A hidden ``_meta`` sheet records the format
version, the community and a fingerprint of every source file (import refuses to overwrite a file
changed since).  Before a workbook is written it is read back the way import reads it: a community
whose records the workbook could not carry unchanged is refused, with the record named.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils.cell import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import ValidationError

from generator.errors import DataError
from generator.messages import Msg, msg
from generator.records.messages import validation_errors
from generator.records.schema import FILE_MODELS
from generator.records.yamlio import YamlDoc, format_path, read_yaml
from generator.sheets.assemble import build_file, flatten, table_rows
from generator.sheets.compare import same
from generator.sheets.kinds import Kind
from generator.sheets.layout import (
    FIELDS,
    FORMAT_VERSION,
    META_SHEET,
    PUBLICATION,
    README,
    SHEET_TITLES,
    Column,
    layout,
    zh,
)
from generator.sheets.read import FILE_COLUMN, read_book
from generator.sheets.values import EXCEL_EPOCH, to_cell

DATE_FORMAT = "yyyy-mm-dd"
VALIDATED_ROWS = 1000  # drop-down lists and checks reach this far below the last record
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
OPTIONAL_FILL = PatternFill("solid", fgColor="DDEBF7")
WIDTHS = {"date": 13, "int": 10, "number": 10, "bool": 9, "choice": 16, "tokens": 30, "lines": 50}
README_LINES = ("sheets.readme.intro", "sheets.readme.headers", "sheets.readme.dates", "sheets.readme.lists",
                "sheets.readme.children", "sheets.readme.rows", "sheets.readme.import")
UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


class NotRepresentable(Exception):
    """A value a workbook cannot hold (a control character)."""


@dataclass
class Exported:
    path: Path | None = None
    sheets: int = 0
    rows: int = 0
    problems: list[DataError] = field(default_factory=list)


def _hint(kind: Kind, column: Column) -> Msg:
    if kind.name == "date":
        return msg("sheets.hint.date")
    if kind.name == "bool":
        return msg("sheets.hint.bool")
    if kind.name == "int":
        return msg("sheets.hint.int")
    if kind.name == "number":
        return msg("sheets.hint.number")
    if kind.name == "choice":
        return msg("sheets.hint.choice", options="、".join(column.show(c) for c in kind.choices))
    if kind.name == "tokens" and kind.item is not None and kind.item.name == "choice":
        return msg("sheets.hint.tokens_choice", options="、".join(column.show(c) for c in kind.item.choices))
    if kind.name == "tokens":
        return msg("sheets.hint.tokens")
    if kind.name == "lines":
        return msg("sheets.hint.lines")
    return msg("sheets.hint.text")


def _validation(column: Column) -> DataValidation | None:
    kind = column.kind
    prompt = _hint(kind, column).text("zh")
    common: dict[str, Any] = {"allow_blank": True, "showErrorMessage": True, "showInputMessage": len(prompt) < 250,
                              "errorTitle": zh("sheets.validation.title"), "prompt": prompt[:250]}
    if kind.name in ("choice", "bool"):
        options = [column.show(c) for c in kind.choices] if kind.name == "choice" else ["是", "否"]
        formula = '"' + ",".join(options) + '"'
        if len(formula) > 255 or any("," in o or '"' in o for o in options):
            return None
        return DataValidation(type="list", formula1=formula, error=zh("sheets.validation.choice"), **common)
    if kind.name == "date":
        first = (dt.date(1990, 1, 1) - EXCEL_EPOCH).days
        last = (dt.date(2100, 12, 31) - EXCEL_EPOCH).days
        return DataValidation(type="date", operator="between", formula1=str(first), formula2=str(last),
                              error=zh("sheets.validation.date"), **common)
    if kind.name == "int":
        return DataValidation(type="whole", operator="between", formula1="-1000000000", formula2="1000000000",
                              error=zh("sheets.validation.int"), **common)
    if kind.name == "number":
        return DataValidation(type="decimal", operator="between", formula1="-1000000000", formula2="1000000000",
                              error=zh("sheets.validation.number"), **common)
    if kind.name in ("tokens", "lines"):
        return DataValidation(type=None, **common)
    return None


def _put(ws: Worksheet, r: int, c: int, column: Column, value: Any) -> None:
    cell = ws.cell(r, c)
    shown = to_cell(column.kind, value, column.shown)
    kind = column.kind.name
    if kind == "date":
        cell.number_format = DATE_FORMAT
    elif kind in ("text", "choice", "tokens", "lines", "bool"):
        cell.number_format = "@"
    if kind in ("lines",) or column.kind.long:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    if shown is None:
        return
    if isinstance(shown, str):
        if ILLEGAL_CHARACTERS_RE.search(shown):
            raise NotRepresentable
        cell.value = shown
        cell.data_type = "s"  # text, even when it starts with "=" (never a formula)
    else:
        cell.value = shown


def _header(ws: Worksheet, c: int, text: str, required: bool) -> None:
    cell = ws.cell(1, c, text)
    cell.font = Font(bold=True)
    cell.fill = REQUIRED_FILL if required else OPTIONAL_FILL
    cell.alignment = Alignment(wrap_text=True, vertical="center")


def _style_column(ws: Worksheet, c: int, column: Column, last_row: int) -> None:
    letter = get_column_letter(c)
    width = 60 if column.kind.long else WIDTHS.get(column.kind.name, 22)
    ws.column_dimensions[letter].width = max(width, min(len(column.header) * 1.6, 40))
    if column.kind.name == "date":
        ws.column_dimensions[letter].number_format = DATE_FORMAT
    elif column.kind.name not in ("int", "number"):
        ws.column_dimensions[letter].number_format = "@"
    dv = _validation(column)
    if dv is not None:
        dv.add(f"{letter}2:{letter}{last_row + VALIDATED_ROWS}")
        ws.add_data_validation(dv)


def _table_sheet(ws: Worksheet, columns: tuple[Column, ...], rows: list[dict[str, Any]], child: bool) -> None:
    for c, column in enumerate(columns, 1):
        _header(ws, c, column.header, column.required)
        _style_column(ws, c, column, len(rows) + 1)
    for r, row in enumerate(rows, 2):
        for c, column in enumerate(columns, 1):
            _put(ws, r, c, column, row.get(column.key))
    ws.freeze_panes = "B2" if child else "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
    ws.row_dimensions[1].height = 32


def _fields_sheet(ws: Worksheet, columns: tuple[Column, ...], values: dict[str, Any]) -> None:
    for c, key in enumerate(("sheets.column.field", "sheets.column.value", "sheets.column.note"), 1):
        _header(ws, c, zh(key), c == 1)
    for r, column in enumerate(columns, 2):
        ws.cell(r, 1, column.header).font = Font(bold=column.required)
        _put(ws, r, 2, column, values.get(column.key))
        ws.cell(r, 3, _hint(column.kind, column).text("zh"))
        dv = _validation(column)
        if dv is not None:
            dv.add(f"B{r}")
            ws.add_data_validation(dv)
    for letter, width in (("A", 46), ("B", 60), ("C", 44)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "B2"


def _readme(ws: Worksheet, name: str) -> None:
    ws.cell(1, 1, msg("sheets.readme.title", name=name).text("zh")).font = Font(bold=True, size=14)
    for r, key in enumerate(README_LINES, 3):
        ws.cell(r, 1, zh(key)).alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 110


def _meta(ws: Worksheet, key: str, digests: dict[str, str], titles: dict[str, str]) -> None:
    ws.append(["dangjian-sheets", FORMAT_VERSION])
    ws.append(["community", key])
    for file, digest in digests.items():
        ws.append(["file", file, digest])
    for table_id, title in titles.items():
        ws.append(["sheet", title, table_id])
    ws.sheet_state = "veryHidden"


def _read(folder: Path, rel_dir: str, out: Exported) -> tuple[dict[str, Any], dict[str, str], dict[str, YamlDoc]]:
    """Every record file of the community (data, fingerprint); problems make the export stop."""
    data: dict[str, Any] = {}
    digests: dict[str, str] = {}
    docs: dict[str, YamlDoc] = {}
    for file, model in FILE_MODELS.items():
        path = folder / file
        rel = f"{rel_dir}/{file}"
        if not path.is_file():
            digests[file] = ""
            continue
        doc, errors = read_yaml(path, rel)
        out.problems += errors
        if doc is None or errors:
            continue
        try:
            model.model_validate(doc.data if doc.data is not None else {})
        except ValidationError as exc:
            out.problems += validation_errors(exc, doc, model)
            continue
        data[file] = doc.data if isinstance(doc.data, dict) else {}
        docs[file] = doc
        digests[file] = hashlib.sha256(path.read_bytes()).hexdigest()
    return data, digests, docs


def _first_difference(a: Any, b: Any, path: tuple[Any, ...] = ()) -> tuple[Any, ...]:
    """The deepest path where ``a`` and ``b`` differ (a missing mapping counts as an empty one)."""
    if isinstance(a, dict) and b is None:
        b = {}
    if isinstance(b, dict) and a is None:
        a = {}
    if isinstance(a, dict) and isinstance(b, dict):
        for key in [*a, *(k for k in b if k not in a)]:
            if not same(a.get(key), b.get(key)):
                return _first_difference(a.get(key), b.get(key), (*path, key))
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if not same(x, y):
                return _first_difference(x, y, (*path, i))
    return path


def workbook_bytes(key: str, name: str, data: dict[str, Any], digests: dict[str, str]) -> tuple[bytes, int, int]:
    """The workbook of one community's records: its bytes, number of sheets and of record rows."""
    lay = layout()
    wb = Workbook()
    wb.remove(wb.active)
    _readme(wb.create_sheet(zh(SHEET_TITLES[README])), name)
    titles = {README: zh(SHEET_TITLES[README])}
    _fields_sheet(wb.create_sheet(zh(SHEET_TITLES[FIELDS])), lay.fields, flatten(lay.fields, data.get("profile.yml")))
    titles[FIELDS] = zh(SHEET_TITLES[FIELDS])
    count = 0
    for table in lay.tables:
        rows = table_rows(table, data.get(table.file) or {})
        count += len(rows)
        _table_sheet(wb.create_sheet(table.title), table.all_columns, rows, table.ref is not None)
        titles[table.id] = table.title
    file_column = Column((FILE_COLUMN,), Kind("text"), zh("sheets.column.file"), True)
    pub_rows = [{FILE_COLUMN: file, **flatten(lay.publication, (data.get(file) or {}).get("publication"))}
                for file in FILE_MODELS]
    _table_sheet(wb.create_sheet(zh(SHEET_TITLES[PUBLICATION])), (file_column, *lay.publication), pub_rows, True)
    titles[PUBLICATION] = zh(SHEET_TITLES[PUBLICATION])
    _meta(wb.create_sheet(META_SHEET), key, digests, titles)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue(), len(titles), count


def book_name(town_name: Any, community_name: Any, key: str) -> str:
    """``春晖街道-晴川社区.xlsx``; the ids when the names are unusable as a file name."""
    parts = [p.strip() for p in (town_name, community_name) if isinstance(p, str)]
    name = "-".join(p for p in parts if p)
    if len(parts) < 2 or not name or UNSAFE_NAME.search(name) or name.startswith("."):
        name = key.replace("/", "-")
    return f"{name}.xlsx"


def export_community(project: Path, key: str, out_dir: Path, taken: set[str] | None = None) -> Exported:
    """Write the workbook of community ``key`` (``town/community``) into ``out_dir``; ``taken``: the
    names of workbooks already written in this run (two communities of one name get their ids)."""
    out = Exported()
    rel_dir = f"communities/{key}"
    folder = project / "communities" / key
    data, digests, docs = _read(folder, rel_dir, out)
    if "profile.yml" not in data and not out.problems:
        out.problems.append(DataError(f"{rel_dir}/profile.yml", 0, "", msg("sheets.export.no_profile")))
    if out.problems:
        return out
    town_doc, _ = read_yaml(folder.parent / "town.yml", f"communities/{key.split('/')[0]}/town.yml")
    town_name = town_doc.data.get("name") if town_doc and isinstance(town_doc.data, dict) else None
    name = data["profile.yml"].get("name")
    try:
        content, out.sheets, out.rows = workbook_bytes(key, str(name), data, digests)
    except NotRepresentable:
        out.problems.append(DataError(f"{rel_dir}/profile.yml", 0, "", msg("sheets.export.control")))
        return out
    check = read_book(content, "<export>")
    for file in FILE_MODELS:
        built = build_file(check, file)
        old = data.get(file)
        if (old is None and built.content) or (old is not None and not same(old, built.data)):
            path = _first_difference(old or {}, built.data)
            doc = docs.get(file)
            line = doc.line(path) if doc else 0
            out.problems.append(DataError(f"{rel_dir}/{file}", line, format_path(path),
                                          msg("sheets.export.not_representable")))
    if check.problems and not out.problems:
        first = check.problems[0]
        out.problems.append(DataError(rel_dir, 0, "", msg("sheets.export.unreadable", where=first.where,
                                                           problem=first.message)))
    if out.problems:
        return out
    out_dir.mkdir(parents=True, exist_ok=True)
    file_name = book_name(town_name, name, key)
    if taken is not None and file_name in taken:
        file_name = book_name(None, None, key)
    if taken is not None:
        taken.add(file_name)
    target = out_dir / file_name
    write_atomic(target, content)
    out.path = target
    return out


def write_atomic(target: Path, content: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

