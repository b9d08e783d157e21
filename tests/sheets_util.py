"""Workbook helpers for the spreadsheet round-trip tests: export, edit cells by header key, import."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
from click.testing import CliRunner, Result
from openpyxl.utils.cell import get_column_letter
from support import PROJECTS, REPO

from generator.commands.sheets import export_xlsx, import_xlsx

SHEETS_COMMUNITY = PROJECTS / "sheets_community"  # one community with every record file, comments and styles
BOOK = "测试街道-示例社区.xlsx"  # its workbook
KEY = "demo-town/demo-community"


def sample_district(dest: Path) -> Path:
    """The repository's sample district (``communities/`` and ``site_config.yml``) copied to ``dest``."""
    dest.mkdir(parents=True)
    shutil.copytree(REPO / "communities", dest / "communities")
    shutil.copy(REPO / "site_config.yml", dest / "site_config.yml")
    return dest


def run(command: Any, *args: str) -> Result:
    return CliRunner().invoke(command, list(args), catch_exceptions=False)


def export(project: Path, *args: str) -> Result:
    return run(export_xlsx, "-p", str(project), "-o", str(project / "sheets"), *args)


def import_books(project: Path, *books: Path | str, args: tuple[str, ...] = ()) -> Result:
    return run(import_xlsx, "-p", str(project), *args, *(str(b) for b in books))


def column(ws: Any, key: str) -> str:
    """The column letter whose header ends with ``(key)``."""
    for c in range(1, ws.max_column + 1):
        if str(ws.cell(1, c).value or "").endswith(f"({key})"):
            return get_column_letter(c)
    raise KeyError(key)


def field_row(ws: Any, key: str) -> int:
    """The row of the 基本情况 sheet that holds the field ``key``."""
    for r in range(2, ws.max_row + 1):
        if str(ws.cell(r, 1).value or "").endswith(f"({key})"):
            return r
    raise KeyError(key)


def edit(book: Path, cells: dict[str, dict[str, Any]], out: Path | None = None) -> Path:
    """Set cells ``{sheet: {"C3": value}}`` (a key in place of the letter, ``"due@3"``, also works)."""
    wb = openpyxl.load_workbook(book)
    for sheet, values in cells.items():
        ws = wb[sheet]
        for where, value in values.items():
            if "@" in where:
                key, row = where.split("@")
                where = f"{column(ws, key)}{row}"
            ws[where] = value
    target = out or book
    wb.save(target)
    return target


def add_cached_value(book: Path, sheet: str, cell: str, value: str, error: bool = False) -> None:
    """Give the formula in ``sheet!cell`` a last calculated value, as Excel or WPS store it when saving
    (``error``: an error value such as ``#DIV/0!``)."""
    wb = openpyxl.load_workbook(book)
    index = wb.sheetnames.index(sheet) + 1
    name = f"xl/worksheets/sheet{index}.xml"
    with zipfile.ZipFile(book) as zin:
        parts = {n: zin.read(n) for n in zin.namelist()}
    xml = parts[name].decode("utf-8")
    opening = f'<c r="{cell}" t="e">' if error else r"\1"
    xml, n = re.subn(rf'(<c r="{cell}"[^>]*>)<f>(.*?)</f><v\s*(?:/>|></v>)', rf"{opening}<f>\2</f><v>{value}</v>", xml)
    assert n == 1, f"no formula at {sheet}!{cell}"
    parts[name] = xml.encode("utf-8")
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as zout:
        for part, data in parts.items():
            zout.writestr(part, data)


def snapshot(project: Path) -> dict[str, bytes]:
    """Every file under ``communities/``, by relative path."""
    root = project / "communities"
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
