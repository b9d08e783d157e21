"""Material's sidebar navigation, rendered once per distinct set of links rather than once per page.

Material renders the whole navigation (``partials/nav.html``) into every page: measured at 200
communities, half of its page template's time.  The site's navigation lists the towns and the district's
own pages, not the communities (issue 14), so for the thousands of pages outside it (boards, score
pages, brands) nothing in it is active or expanded, and the only thing that differs from page to page
is how each link is written relative to the page (``../../ranking/``).  Such a page's navigation is
kept by exactly those relative links, and the navigation is rendered only for a new set of them (a few
hundred at 2,000 communities: a town's pages share them by depth).  A page in the navigation, or one
that makes any item active, is rendered by Material as before.  ``theme/main.html`` calls this around
Material's own ``partials/nav.html``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from mkdocs.utils import normalize_url


class NavFragments:
    def __init__(self) -> None:
        self.html: dict[tuple[str, ...], str] = {}
        self._nav: Any = None
        self._links: list[str] = []
        self._items: list[Any] = []
        self._in_nav: set[int] = set()

    def __call__(self, page: Any, nav: Any, config: Any, caller: Callable[[], str]) -> str:
        if nav is not self._nav:
            self._learn(nav, config)
        if page is None or id(page) in self._in_nav or any(getattr(item, "active", False) for item in self._items):
            return caller()
        key = tuple(normalize_url(link, page) for link in self._links)
        html = self.html.get(key)
        if html is None:
            html = self.html[key] = caller()
        return html

    def _learn(self, nav: Any, config: Any) -> None:
        """The links the navigation writes: every item's address, the home page's and the logo's."""
        self._nav, self.html = nav, {}
        items = self._items = list(_walk(nav.items))
        self._in_nav = {id(item) for item in items}
        self._links = [str(item.url) for item in items if getattr(item, "url", None) is not None]
        homepage = getattr(nav, "homepage", None)
        self._links += [str(config.extra.get("homepage") or (homepage.url if homepage else "")),
                        str(config.theme.get("logo") or "")]


def _walk(items: list[Any]) -> Iterator[Any]:
    for item in items:
        yield item
        yield from _walk(getattr(item, "children", None) or [])
