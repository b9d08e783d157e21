"""Material's search entries for a page, with the page's HTML read by lxml rather than Python's html.parser.

Material's search plugin splits each page's HTML into sections with a ``html.parser.HTMLParser``
subclass (``Parser``): measured at 200 communities, a third of the engine's page stage, most of it
html.parser's own tokenizing in Python.  Here the same ``Parser`` is given the same calls
(``handle_starttag``, ``handle_endtag``, ``handle_data``) from lxml's C parser: text between two tags
arrives as one piece, as html.parser gives it, and the ``html``/``body`` elements libxml2 wraps a
fragment in are not passed on.  What Material does with the calls (sections, kept tags, whitespace,
exclusions) is Material's own code, unchanged.  ``tests/test_search_parse.py`` compares the sections
with html.parser's on every page of the sample site.

HTML that does not begin with a tag (libxml2 would put the text in a paragraph of its own), blank HTML
and HTML lxml refuses are read by html.parser, as Material does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lxml import etree

if TYPE_CHECKING:
    from mkdocs.structure.pages import Page

_WRAPPERS = frozenset({"html", "body"})


class _Calls:
    """An lxml parser target making Material's parser calls."""

    def __init__(self, parser: Any) -> None:
        self.parser = parser
        self.text: list[str] = []

    def _flush(self) -> None:
        if self.text:
            self.parser.handle_data("".join(self.text))
            self.text = []

    def start(self, tag: str, attrib: Any) -> None:
        self._flush()
        if tag not in _WRAPPERS:
            self.parser.handle_starttag(tag, list(attrib.items()))

    def end(self, tag: str) -> None:
        self._flush()
        if tag not in _WRAPPERS:
            self.parser.handle_endtag(tag)

    def data(self, text: str) -> None:
        self.text.append(text)

    def comment(self, text: str) -> None:  # html.parser ends a piece of text at a comment too
        self._flush()

    def pi(self, *args: Any) -> None:
        self._flush()

    def close(self) -> None:
        self._flush()


def sections(html: str) -> list[Any]:
    """Material's sections of ``html``, as its own parser gives them."""
    from material.plugins.search.plugin import Parser

    parser = Parser()
    if html.lstrip().startswith("<"):
        reader = etree.HTMLParser(target=_Calls(parser))
        try:
            reader.feed(html)
            reader.close()
            return list(parser.data)
        except etree.LxmlError:
            parser = Parser()
    parser.feed(html)
    parser.close()
    return list(parser.data)


def index_page(index: Any, page: Page) -> None:
    """``SearchIndex.add_entry_from_context`` of Material (mkdocs-material 9.x), with :func:`sections`."""
    search = page.meta.get("search") or {}
    if search.get("exclude"):
        return
    for section in sections(page.content or ""):
        if not section.is_excluded():
            index.create_entry_for_section(section, page.toc, page.url, page)
