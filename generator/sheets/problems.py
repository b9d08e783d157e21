"""A problem in a workbook, located the way staff find it: ``文件.xlsx:工作表!C12: 说明``."""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from generator.errors import printable
from generator.messages import Msg, language


@dataclass(frozen=True)
class SheetProblem:
    book: str  # the workbook as the command was given it
    sheet: str | None  # worksheet title; None: the workbook as a whole
    cell: str | None  # "C12"; None: the worksheet as a whole
    message: Msg
    order: int = 0  # the worksheet's position, for printing in workbook order

    def __post_init__(self) -> None:
        if not isinstance(self.message, Msg):
            raise TypeError(f"SheetProblem message must be a catalogue Msg, not {type(self.message).__name__}")

    @property
    def where(self) -> str:
        if self.sheet is None:
            return self.book
        return f"{self.book}:{self.sheet}" + (f"!{self.cell}" if self.cell else "")

    def text(self, lang: str | None = None) -> str:
        lang = lang or language()
        text = f"{self.where}: {self.message.text(lang)}"
        hint = self.message.hint(lang)
        if hint:
            text += f"（提示：{hint}）" if lang == "zh" else f" (hint: {hint})"
        return printable(text)

    def sort_key(self) -> tuple[str, int, int, int, str]:
        row = col = 0
        if self.cell:
            letters, row = coordinate_from_string(self.cell)
            col = column_index_from_string(letters)
        return (self.book, -1 if self.sheet is None else self.order, row, col, self.message.text("en"))

    def __str__(self) -> str:
        return self.text()


def ordered(problems: list[SheetProblem]) -> list[SheetProblem]:
    """Problems once each, in workbook order: sheet by sheet, row by row, left to right."""
    return sorted(set(problems), key=SheetProblem.sort_key)
