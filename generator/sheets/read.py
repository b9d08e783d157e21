"""Read an exported workbook back: every cell converted to its record value, every bad cell located.

* Columns are found by the key in their header (``完成时限(due)``), so staff may reorder columns;
  a missing column is an error (its values would otherwise be deleted), an unknown one is ignored.
* Formula cells give the value Excel or WPS last calculated; a formula never calculated (the file
  was not saved by a spreadsheet program) is an error at its cell.
* A cell merged over several rows counts for every one of those rows, as it looks on screen; a cell
  merged across columns counts for its first column.
* Hidden worksheets, rows and columns are read like visible ones (hiding is not deleting), with a
  warning for a hidden worksheet.  Sheets the export did not make are ignored with a warning.
* Empty rows are skipped.  The workbook's ``_meta`` sheet names the community and the source files.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils.cell import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from generator.messages import Msg, msg
from generator.records.schema import FILE_MODELS
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
from generator.sheets.problems import SheetProblem
from generator.sheets.values import EMPTY, from_cell, is_blank

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 200
HEADER_KEY = re.compile(r"[(（]\s*([A-Za-z_][A-Za-z0-9_.]*)\s*[)）]\s*$")
FILE_COLUMN = "file"


@dataclass
class Row:
    sheet: str
    number: int
    values: dict[str, Any] = field(default_factory=dict)  # column key -> record value (EMPTY if none)
    cells: dict[str, str] = field(default_factory=dict)  # column key -> "C12"
    failed: set[str] = field(default_factory=set)  # keys whose cell could not be read

    def first_cell(self) -> str:
        return f"A{self.number}"


@dataclass
class Meta:
    community: str = ""
    files: dict[str, str] = field(default_factory=dict)  # file -> sha256 at export ("" if it did not exist)
    sheets: dict[str, str] = field(default_factory=dict)  # table id -> sheet title


@dataclass
class Book:
    name: str  # as the command was given it
    meta: Meta = field(default_factory=Meta)
    tables: dict[str, list[Row]] = field(default_factory=dict)
    fields: Row | None = None  # the 字段/值 sheet as one row
    publication: dict[str, Row] = field(default_factory=dict)  # file -> its row of 公开状态
    titles: dict[str, str] = field(default_factory=dict)  # table id -> sheet title as found
    order: dict[str, int] = field(default_factory=dict)  # sheet title -> position
    problems: list[SheetProblem] = field(default_factory=list)
    warnings: list[SheetProblem] = field(default_factory=list)

    def problem(self, sheet: str | None, cell: str | None, message: Msg) -> None:
        self.problems.append(SheetProblem(self.name, sheet, cell, message, self.order.get(sheet or "", 0)))

    def warn(self, sheet: str | None, cell: str | None, message: Msg) -> None:
        self.warnings.append(SheetProblem(self.name, sheet, cell, message, self.order.get(sheet or "", 0)))


def _load(source: Path | bytes, data_only: bool) -> Any:
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about extensions WPS and Excel add; they do not matter
        return openpyxl.load_workbook(stream, data_only=data_only)


def _open(source: Path | bytes, book: Book) -> Any:
    if isinstance(source, Path):
        try:
            size = source.stat().st_size
        except OSError as exc:
            book.problem(None, None, msg("sheets.book.cannot_open", reason=exc.strerror or str(exc)))
            return None
        if size > MAX_BYTES:
            book.problem(None, None, msg("sheets.book.too_large", limit=MAX_BYTES // 1024 // 1024))
            return None
        if not zipfile.is_zipfile(source):
            book.problem(None, None, msg("sheets.book.not_xlsx"))
            return None
    try:
        return _load(source, data_only=False)
    except Exception as exc:  # a damaged or foreign file: openpyxl raises many kinds
        book.problem(None, None, msg("sheets.book.cannot_open", reason=type(exc).__name__))
        return None


def _read_meta(wb: Any, book: Book) -> bool:
    if META_SHEET not in wb.sheetnames:
        book.problem(None, None, msg("sheets.book.no_meta"))
        return False
    rows = [[c.value for c in row] for row in wb[META_SHEET].iter_rows(max_col=3)]
    version = next((r[1] for r in rows if r and r[0] == "dangjian-sheets"), None)
    if version != FORMAT_VERSION:
        book.problem(None, None, msg("sheets.book.version", found=version, expected=FORMAT_VERSION))
        return False
    for key, a, b in (r + [None] * (3 - len(r)) for r in rows):
        if key == "community" and isinstance(a, str):
            book.meta.community = a
        elif key == "file" and isinstance(a, str):
            book.meta.files[a] = b if isinstance(b, str) else ""
        elif key == "sheet" and isinstance(a, str) and isinstance(b, str):
            book.meta.sheets[b] = a
    if not re.fullmatch(r"[a-z0-9-]+/[a-z0-9-]+", book.meta.community):
        book.problem(None, None, msg("sheets.book.no_meta"))
        return False
    return True


def _header_key(value: Any, columns: dict[str, Column]) -> str | None:
    if not isinstance(value, str):
        return None
    text = value.strip()
    m = HEADER_KEY.search(text)
    if m:
        return m.group(1)
    matches = [key for key, column in columns.items() if text == column.label]  # a header without its key
    return matches[0] if len(matches) == 1 else None


class _Sheet:
    """One worksheet's cells, with merged ranges resolved and formulas replaced by their last values."""

    def __init__(self, ws: Worksheet, book: Book, cached: Any) -> None:
        self.ws = ws
        self.book = book
        self.cached = cached
        self.fill: dict[tuple[int, int], Any] = {}
        for rng in ws.merged_cells.ranges:
            if rng.min_row == 1 and rng.max_row > 1:
                book.problem(ws.title, rng.start_cell.coordinate, msg("sheets.cell.merged_header"))
            top = ws.cell(rng.min_row, rng.min_col)
            for r in range(max(rng.min_row, 2), rng.max_row + 1):
                self.fill[(r, rng.min_col)] = top

    def raw(self, row: int, col: int) -> tuple[Any, Msg | None]:
        cell = self.fill.get((row, col)) or self.ws.cell(row, col)
        if cell.data_type == "f":
            cell = self.cached()[self.ws.title].cell(cell.row, cell.column)
            if cell.value is None:
                return EMPTY, msg("sheets.cell.formula")
        if cell.data_type == "e":
            return EMPTY, msg("sheets.cell.error_value", value=str(cell.value))
        return cell.value, None


def _convert(row: Row, key: str, column: Column, sheet: _Sheet, r: int, c: int) -> None:
    coordinate = f"{get_column_letter(c)}{r}"
    row.cells[key] = coordinate
    raw, error = sheet.raw(r, c)
    if error is None:
        value, error = from_cell(column.kind, raw, column.shown)
    else:
        value = EMPTY
    if error is not None:
        row.failed.add(key)
        sheet.book.problem(sheet.ws.title, coordinate, error)
    row.values[key] = value


def _columns(ws: Worksheet, book: Book, columns: dict[str, Column]) -> dict[str, int] | None:
    if ws.max_row > MAX_ROWS + 1 or ws.max_column > MAX_COLUMNS:
        book.problem(ws.title, None, msg("sheets.sheet.too_big", rows=MAX_ROWS, columns=MAX_COLUMNS))
        return None
    found: dict[str, int] = {}
    for c in range(1, ws.max_column + 1):
        cell = ws.cell(1, c)
        key = _header_key(cell.value, columns)
        if key is None or key not in columns:
            if not is_blank(cell.value):
                book.warn(ws.title, cell.coordinate, msg("sheets.column.unknown", header=str(cell.value)))
            continue
        if key in found:
            book.problem(ws.title, cell.coordinate, msg("sheets.column.duplicate", header=columns[key].header))
            continue
        found[key] = c
    missing = [col.header for key, col in columns.items() if key not in found]
    for header in missing:
        book.problem(ws.title, None, msg("sheets.column.missing", header=header))
    return None if missing else found


def _rows(ws: Worksheet, book: Book, sheet: _Sheet, columns: dict[str, Column], ref: str | None) -> list[Row]:
    found = _columns(ws, book, columns)
    if found is None:
        return []
    rows = []
    for r in range(2, ws.max_row + 1):
        cells = [sheet.raw(r, c) for k, c in found.items() if k != ref]
        if all(is_blank(value) and error is None for value, error in cells):  # an empty row
            continue
        row = Row(ws.title, r)
        for key, c in found.items():
            _convert(row, key, columns[key], sheet, r, c)
        rows.append(row)
    return rows


def _fields(ws: Worksheet, book: Book, sheet: _Sheet, columns: dict[str, Column]) -> Row:
    row = Row(ws.title, 0)
    seen: dict[str, int] = {}
    for r in range(2, min(ws.max_row, MAX_ROWS) + 1):
        label = ws.cell(r, 1).value
        key = _header_key(label, columns)
        if key is None or key not in columns:
            if not is_blank(label):
                book.warn(ws.title, f"A{r}", msg("sheets.field.unknown", field=str(label)))
            continue
        if key in seen:
            book.problem(ws.title, f"A{r}", msg("sheets.field.duplicate", field=columns[key].header))
            continue
        seen[key] = r
        _convert(row, key, columns[key], sheet, r, 2)
    for key, column in columns.items():
        if key not in seen:
            book.problem(ws.title, None, msg("sheets.field.missing", field=column.header))
    return row


def _publication(ws: Worksheet, book: Book, sheet: _Sheet) -> dict[str, Row]:
    columns = {FILE_COLUMN: Column((FILE_COLUMN,), Kind("text"), zh("sheets.column.file"), True),
               **{c.key: c for c in layout().publication}}
    out: dict[str, Row] = {}
    bad_name = False
    for row in _rows(ws, book, sheet, columns, None):
        file = row.values.get(FILE_COLUMN)
        if file not in FILE_MODELS:
            bad_name = True
            book.problem(ws.title, row.cells[FILE_COLUMN], msg("sheets.publication.unknown_file",
                                                               files="、".join(FILE_MODELS)))
        elif file in out:
            book.problem(ws.title, row.cells[FILE_COLUMN], msg("sheets.publication.duplicate", file=file))
        else:
            out[file] = row
    for file in FILE_MODELS:
        if file not in out and not bad_name:  # a mistyped name is the one problem to report
            book.problem(ws.title, None, msg("sheets.publication.missing", file=file))
    return out


def read_book(source: Path | bytes, name: str) -> Book:
    """The workbook ``source`` (a path, or the bytes of one); problems are in ``book.problems``."""
    book = Book(name)
    wb = _open(source, book)
    if wb is None or not _read_meta(wb, book):
        return book
    cache: list[Any] = []

    def cached() -> Any:
        if not cache:
            cache.append(_load(source, data_only=True))
        return cache[0]

    lay = layout()
    wanted = [README, FIELDS, *(t.id for t in lay.tables), PUBLICATION]
    by_title = {ws.title: ws for ws in wb.worksheets}
    book.order = {title: i for i, title in enumerate(wb.sheetnames)}
    claimed = {META_SHEET}
    for table_id in wanted:
        title = book.meta.sheets.get(table_id, zh(SHEET_TITLES[table_id]))
        ws = by_title.get(title) or by_title.get(zh(SHEET_TITLES[table_id]))
        if ws is None:
            if table_id != README:
                book.problem(None, None, msg("sheets.sheet.missing", sheet=title))
            continue
        claimed.add(ws.title)
        book.titles[table_id] = ws.title
        if table_id == README:
            continue
        if ws.sheet_state != "visible":
            book.warn(ws.title, None, msg("sheets.sheet.hidden"))
        sheet = _Sheet(ws, book, cached)
        if table_id == FIELDS:
            book.fields = _fields(ws, book, sheet, {c.key: c for c in lay.fields})
        elif table_id == PUBLICATION:
            book.publication = _publication(ws, book, sheet)
        else:
            table = lay.table(table_id)
            columns = {c.key: c for c in table.all_columns}
            book.tables[table_id] = _rows(ws, book, sheet, columns, table.ref.key if table.ref else None)
    for ws in wb.worksheets:
        if ws.title not in claimed:
            book.warn(ws.title, None, msg("sheets.sheet.unknown"))
    return book
