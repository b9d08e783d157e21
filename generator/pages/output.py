"""What producers write: Markdown pages and verbatim files (docs-relative paths), and the nav."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from generator.errors import ErrorLog

if TYPE_CHECKING:
    from generator.context import SiteContext


@dataclass
class NavEntry:
    title: str
    path: str | None = None
    children: list[NavEntry] = field(default_factory=list)


@dataclass
class Output:
    """Rendered pages (docs-relative ``.md`` paths) and verbatim files (docs-relative)."""

    pages: dict[str, str] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    nav: list[NavEntry] = field(default_factory=list)
    untrusted: set[str] = field(default_factory=set)  # pages written by hand in content/: sanitised after rendering
    log: ErrorLog = field(default_factory=ErrorLog)

    def add_page(self, path: str, text: str) -> None:
        if path in self.pages:
            raise ValueError(f"two producers wrote {path}")
        self.pages[path] = text

    def add_file(self, path: str, data: bytes) -> None:
        if path in self.files:
            raise ValueError(f"two producers wrote {path}")
        self.files[path] = data


Producer = Callable[["SiteContext", Output], None]
