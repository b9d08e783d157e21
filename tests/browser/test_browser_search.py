"""Search as residents use it in WeChat: the index loads only when a search starts, pasted or
voice-entered text finds results, residents' own words (synonyms) work, and a board can keep
the results to its own community."""

from __future__ import annotations

from typing import Any

import pytest

from .browser_util import SiteMap

pytestmark = pytest.mark.browser

INDEX = "search/search_index.json"


def _requests(page: Any) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url))
    return seen


def _open(page: Any) -> Any:
    label = page.locator("label.md-header__button[for='__search']")
    if label.is_visible():
        label.click()
    query = page.locator("input.md-search__input")
    query.focus()
    page.locator(".md-search-result__meta", has_text="键入").wait_for(timeout=30000)
    return query


def _paste(page: Any, text: str) -> None:
    """What a paste from a chat does: the value changes with no key event at all."""
    page.evaluate("""text => {
        const q = document.querySelector('input.md-search__input');
        q.value = text;
        q.dispatchEvent(new Event('paste', {bubbles: true}));
    }""", text)


def _hrefs(page: Any) -> list[str]:
    page.locator(".md-search-result__item").first.wait_for(timeout=30000)
    return page.locator(".md-search-result__item:not([hidden]) .md-search-result__link").evaluate_all(
        "els => els.map(e => e.pathname)")


def test_the_index_loads_on_the_first_focus_not_on_page_view(open_page: Any, site_map: SiteMap) -> None:
    seen: list[str] = []
    visit = open_page(site_map.pages["board"], "375", before=lambda p: p.on("request", lambda r: seen.append(r.url)))
    visit.page.wait_for_timeout(1500)
    assert not [u for u in seen if u.endswith(INDEX)], "the search index was fetched on a plain page view"
    _open(visit.page)
    assert [u for u in seen if u.endswith(INDEX)]


@pytest.mark.parametrize("kind", ["home", "board"])
def test_a_page_view_fetches_nothing_that_grows_with_the_district(open_page: Any, site_map: SiteMap,
                                                                  kind: str) -> None:
    """No sitemap.xml (Material fetches it beside every <link rel="alternate">) and no search index."""
    seen: list[str] = []
    visit = open_page(site_map.pages[kind], "375", before=lambda p: p.on("request", lambda r: seen.append(r.url)))
    visit.page.wait_for_timeout(1500)
    assert [u for u in seen if u.endswith(("sitemap.xml", INDEX))] == []


def test_a_pasted_query_finds_results(open_page: Any, site_map: SiteMap) -> None:
    page = open_page(site_map.pages["home"], "375").page
    _open(page)
    _paste(page, site_map.search_word)
    assert _hrefs(page)


def test_text_from_an_input_method_finds_results(open_page: Any, site_map: SiteMap) -> None:
    page = open_page(site_map.pages["home"], "375").page
    query = _open(page)
    query.fill(site_map.search_word)  # an input event only, as committed IME or voice text sends
    assert _hrefs(page)


def test_a_residents_word_finds_the_official_one(open_page: Any, site_map: SiteMap) -> None:
    page = open_page(site_map.pages["home"], "375").page
    _open(page)
    _paste(page, "银发")  # no page says 银发; search_synonyms.yml groups it with 老人, 老年人, 长者
    texts = page.locator(".md-search-result__list").inner_text() if _hrefs(page) else ""
    assert "长者" in texts or "老年人" in texts or "老人" in texts


def test_results_are_large_and_show_no_crossed_out_terms(open_page: Any, site_map: SiteMap) -> None:
    page = open_page(site_map.pages["home"], "375").page
    _open(page)
    _paste(page, site_map.search_word + " 不存在的词")
    _hrefs(page)
    size = page.locator(".md-search-result__article").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 17
    assert page.locator(".md-search-result__terms:visible").count() == 0


def test_only_this_community_on_a_board(open_page: Any, site_map: SiteMap) -> None:
    board = "/" + site_map.pages["board"]
    page = open_page(site_map.pages["board"], "375").page
    _open(page)
    _paste(page, "社区")
    everything = _hrefs(page)
    assert any(not h.startswith(board) for h in everything), everything
    page.locator(".dj-search-scope input").check()
    page.wait_for_function("""board => {
        const links = [...document.querySelectorAll('.md-search-result__item .md-search-result__link')];
        return links.length > 0 && links.every(a => a.pathname.startsWith(board) || a.pathname.includes('/brands/'));
    }""", arg=board, timeout=10000)
    page.locator(".dj-search-scope input").uncheck()
    page.wait_for_function("""board => [...document.querySelectorAll('.md-search-result__item .md-search-result__link')]
        .some(a => !a.pathname.startsWith(board))""", arg=board, timeout=10000)
