"""What producers write: Markdown pages and verbatim files (docs-relative paths), and the nav.

An :class:`Output` also says which share of the site it is for (its :class:`Scope`), so that one
producer can render the whole site, one community's pages (``dangjian serve`` after an edit) or a
town's on a worker process (``render_site`` on a large district), with the same page code.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from generator.errors import ErrorLog

if TYPE_CHECKING:
    from generator.context import SiteContext


class Spooled(NamedTuple):
    """Where a spooled page's or file's bytes are: a run of bytes in one of the spool's pack files (a page is
    its text in UTF-8).  One pack per render part, not one file per page: at 2,000 communities that is about
    twenty files to write and remove instead of 30,000."""

    pack: str  # absolute path of the pack file
    offset: int
    length: int

    def read(self) -> bytes:
        with open(self.pack, "rb") as f:
            f.seek(self.offset)
            data = f.read(self.length)
        if len(data) != self.length:
            raise OSError(f"{self.pack}: {self.length} bytes at {self.offset} expected, {len(data)} read")
        return data


@dataclass
class NavEntry:
    title: str
    path: str | None = None
    children: list[NavEntry] = field(default_factory=list)


@dataclass(frozen=True)
class Scope:
    """Which pages a render writes: those of some communities, and/or the site-wide ones.

    A community's pages are everything about that community alone (its board and every page under
    its address, its screen page, its brands' pages and images, their QR codes).  Site-wide pages
    are the rest: pages that list communities (home, towns, rankings, overviews), the feed and the
    data files, the changes page, the content pages, and the nav.
    """

    communities: frozenset[str] | None = None  # community keys ("town/community"); None: every community
    site_wide: bool = True
    # The producers (by name) whose pages this share holds; None: every producer.  A large district's site-wide
    # pages are rendered in several shares of whole producers (``parallel.render_in_pool``).
    producers: frozenset[str] | None = None

    def runs(self, producer: Producer) -> bool:
        """Whether ``producer`` writes into this share."""
        return self.producers is None or producer.__name__ in self.producers

    def covers(self, key: str) -> bool:
        return self.communities is None or key in self.communities


EVERYTHING = Scope()


@dataclass
class Output:
    """Rendered pages (docs-relative ``.md`` paths) and verbatim files (docs-relative)."""

    pages: dict[str, str] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    # Pages and files a render part wrote to disk instead of holding them (a build's spool, see
    # ``parallel.spool_part``): docs-relative path -> where its bytes are.
    spooled: dict[str, Spooled] = field(default_factory=dict)
    spooled_files: dict[str, Spooled] = field(default_factory=dict)
    nav: list[NavEntry] = field(default_factory=list)
    untrusted: set[str] = field(default_factory=set)  # pages written by hand in content/: sanitised after rendering
    log: ErrorLog = field(default_factory=ErrorLog)
    scope: Scope = EVERYTHING  # what this output is for; producers write only the pages it covers

    @property
    def site_wide(self) -> bool:
        """Whether the site-wide pages belong in this output."""
        return self.scope.site_wide

    def covers(self, key: str) -> bool:
        """Whether the pages of the community keyed ``key`` belong in this output."""
        return self.scope.covers(key)

    def add_page(self, path: str, text: str) -> None:
        if path in self.pages or path in self.spooled:
            raise ValueError(f"two producers wrote {path}")
        self.pages[path] = text

    def add_file(self, path: str, data: bytes) -> None:
        if path in self.files or path in self.spooled_files:
            raise ValueError(f"two producers wrote {path}")
        self.files[path] = data

    def add_spooled(self, path: str, where: Spooled, page: bool) -> None:
        """A page (or file) whose bytes are ``where``."""
        held, spooled = (self.pages, self.spooled) if page else (self.files, self.spooled_files)
        if path in held or path in spooled:
            raise ValueError(f"two producers wrote {path}")
        spooled[path] = where

    def has_page(self, path: str) -> bool:
        """Whether the page ``path`` was written (held or spooled)."""
        return path in self.pages or path in self.spooled

    @property
    def page_count(self) -> int:
        return len(self.pages) + len(self.spooled)

    @property
    def file_count(self) -> int:
        return len(self.files) + len(self.spooled_files)


Producer = Callable[["SiteContext", Output], None]


def site_wide_only(producer: Producer) -> Producer:
    """Mark a producer whose every page is site-wide: it writes nothing into a communities-only output."""

    @functools.wraps(producer)
    def scoped(context: SiteContext, output: Output) -> None:
        if output.site_wide:
            producer(context, output)

    return scoped
