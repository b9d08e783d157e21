"""The one error type for problems in user data, and a collector for many of them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from generator.messages import Msg, label_field, language

_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    """Show control characters as escapes so a message cannot garble a terminal or log."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


@dataclass(frozen=True)
class DataError:
    """A located problem in user data: ``path:line: field: message (hint)``, in the catalogue's words."""

    path: str
    line: int
    field: str
    message: Msg

    def __post_init__(self) -> None:
        if not isinstance(self.message, Msg):  # every staff-read text comes from the catalogue
            raise TypeError(f"DataError message must be a catalogue Msg, not {type(self.message).__name__}")

    def text(self, lang: str | None = None) -> str:
        lang = lang or language()
        where = f"{self.path}:{self.line}" if self.line else self.path
        shown = label_field(self.field, lang)
        body = self.message.text(lang)
        text = f"{where}: {shown}: {body}" if shown else f"{where}: {body}"
        hint = self.message.hint(lang)
        if hint:
            text += f"（提示：{hint}）" if lang == "zh" else f" (hint: {hint})"
        return printable(text)

    def _order(self) -> tuple[str, int, str, str]:
        return (self.path, self.line, self.field, self.message.text("en"))

    def __lt__(self, other: DataError) -> bool:
        return self._order() < other._order()

    def __str__(self) -> str:
        return self.text()


@dataclass
class ErrorLog:
    """Collects errors (and warnings) so that every problem is reported in one run."""

    errors: list[DataError] = field(default_factory=list)
    warnings: list[DataError] = field(default_factory=list)

    def add(self, path: str, line: int, field_: str, message: Msg) -> None:
        self.errors.append(DataError(path, line, field_, message))

    def warn(self, path: str, line: int, field_: str, message: Msg) -> None:
        self.warnings.append(DataError(path, line, field_, message))

    def extend(self, other: ErrorLog) -> None:
        self.errors.extend(other.errors)
        self.warnings.extend(other.warnings)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def __iter__(self) -> Iterator[DataError]:
        return iter(sorted(set(self.errors)))
