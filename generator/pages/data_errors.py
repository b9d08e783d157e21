"""The preview's error site: while the records are broken, every page shows what to fix.

``dangjian serve`` must answer every request at once, so a failed data run still produces a
site: each page that the last good run had (and the home page) becomes the same error page.
"""

from __future__ import annotations

from collections.abc import Iterable

from generator import urls
from generator.errors import ErrorLog
from generator.pages.output import Output
from generator.pages.templating import render


def render_error_site(log: ErrorLog, pages: Iterable[str]) -> Output:
    """An ``Output`` whose pages all list the located problems of ``log``."""
    errors = [str(err) for err in log]
    text = render("data_errors.md.j2", errors=errors)
    output = Output()
    for path in sorted({urls.source(urls.HOME), *pages}):
        output.add_page(path, text)
    return output
