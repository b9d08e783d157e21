"""The one error type for problems in user data, and a collector for many of them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    """Show control characters as escapes so a message cannot garble a terminal or log."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


@dataclass(frozen=True, order=True)
class DataError:
    """A located problem in user data: ``path:line: field: message``."""

    path: str
    line: int
    field: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        if self.hint:
            text += f" (hint: {self.hint})"
        return printable(text)


@dataclass
class ErrorLog:
    """Collects errors (and warnings) so that every problem is reported in one run."""

    errors: list[DataError] = field(default_factory=list)
    warnings: list[DataError] = field(default_factory=list)

    def add(self, path: str, line: int, field_: str, message: str, hint: str = "") -> None:
        self.errors.append(DataError(path, line, field_, message, hint))

    def warn(self, path: str, line: int, field_: str, message: str, hint: str = "") -> None:
        self.warnings.append(DataError(path, line, field_, message, hint))

    def extend(self, other: ErrorLog) -> None:
        self.errors.extend(other.errors)
        self.warnings.extend(other.warnings)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def __iter__(self) -> Iterator[DataError]:
        return iter(sorted(set(self.errors)))

