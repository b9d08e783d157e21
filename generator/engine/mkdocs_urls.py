"""Pages' canonical URLs without ``urllib`` for the plain addresses of a generated site.

MkDocs gives every page its canonical URL (``Page._set_canonical_url``: ``urljoin(site_url, page.url)``, then the
path of the result): at 2,000 communities that is 19,000 ``urljoin`` and ``urlsplit`` calls per build, ~1 s of
the engine's single-threaded start.  Within :func:`plain_canonical_urls`, a page whose address is plain (path
segments of ASCII letters, digits, ``-``, ``_``, ``~`` and inner dots, none ``.`` or ``..``, no leading ``/``, so
no scheme, host, query, fragment or dot segment) joins a site URL of the form ``scheme://host/path/`` by
concatenation, which is what ``urljoin`` gives for it (RFC 3986's merge of a base ending in ``/``, with no dot
segment to remove); every other page, or site URL, is left to MkDocs's own method.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

PLAIN_URL = re.compile(r"(?:[A-Za-z0-9_~-][A-Za-z0-9_.~-]*/)*(?:[A-Za-z0-9_~-][A-Za-z0-9_.~-]*)?")
PLAIN_BASE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[A-Za-z0-9.-]+(?::\d+)?/(?:[A-Za-z0-9_~-][A-Za-z0-9_.~-]*/)*")


@lru_cache(maxsize=8)
def _base_path(base: str) -> str | None:
    """The path of a plain site URL (``https://host/sub/`` -> ``/sub/``), or None for any other."""
    return urlsplit(base).path if PLAIN_BASE.fullmatch(base) else None


@contextmanager
def plain_canonical_urls() -> Iterator[None]:
    """Within this block, pages with plain addresses get their canonical URLs by concatenation (see the module)."""
    from mkdocs.structure.pages import Page

    original = Page._set_canonical_url

    def set_canonical_url(self: Any, base: str | None) -> None:
        if base:
            full = base if base.endswith("/") else base + "/"
            path = _base_path(full)
            url = self.url
            if path is not None and PLAIN_URL.fullmatch(url):
                self.canonical_url = full + url
                self.abs_url = path + url
                return
        original(self, base)

    Page._set_canonical_url = set_canonical_url  # type: ignore[method-assign]
    try:
        yield
    finally:
        Page._set_canonical_url = original  # type: ignore[method-assign]
