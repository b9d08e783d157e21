"""Pages' canonical URLs by concatenation (``engine/mkdocs_urls``) are exactly what MkDocs's ``urljoin`` gives."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pytest
from mkdocs.structure.pages import Page

from generator.engine.mkdocs_urls import plain_canonical_urls

BASES = ["https://dangjian.example.gov.cn/", "https://dangjian.example.gov.cn", "http://h.example:8080/sub/dir/",
         "https://h.example/a.b/", "https://user@h.example/", "https://h.example/?q=1", "https://h.example/a/../b/",
         "https://H.Example/", "", None]
URLS = ["", "towns/town-000/c-00001/", "brands/x-1/index.html", "data/", "a.b/c~d/", "../up/", "./here/",
        "/rooted/", "//host/x", "mailto:x", "a:b/", "a//b/", "a/./b/", "%E4%B8%AD/", "中文/", ".well-known/x",
        "a?b=1", "a#frag", "x/.."]


class _Page:
    """Just what ``_set_canonical_url`` reads and sets."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.canonical_url: str | None = "unset"
        self.abs_url: str | None = "unset"


def _mkdocs(url: str, base: str | None) -> tuple[str | None, str | None]:
    page = _Page(url)
    Page._set_canonical_url(page, base)  # type: ignore[arg-type]
    return page.canonical_url, page.abs_url


@pytest.mark.parametrize("base", BASES)
def test_every_address_gets_what_urljoin_gives(base: str | None) -> None:
    expected = {url: _mkdocs(url, base) for url in URLS}
    with plain_canonical_urls():
        got = {url: _mkdocs(url, base) for url in URLS}
    assert got == expected


def test_a_plain_address_is_joined_without_urljoin(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr("mkdocs.structure.pages.urljoin", lambda b, u: calls.append(u) or urljoin(b, u))
    with plain_canonical_urls():
        plain = _mkdocs("towns/town-000/c-00001/", "https://h.example/sub")
        dotted = _mkdocs("../up/", "https://h.example/sub")
    assert plain == ("https://h.example/sub/towns/town-000/c-00001/", "/sub/towns/town-000/c-00001/")
    assert dotted == ("https://h.example/up/", urlsplit("https://h.example/up/").path)
    assert calls == ["../up/"]


def test_the_method_is_mkdocs_own_again_after_the_block() -> None:
    original = Page._set_canonical_url
    with plain_canonical_urls():
        assert Page._set_canonical_url is not original
    assert Page._set_canonical_url is original
