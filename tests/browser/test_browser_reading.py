"""Reading on a phone, as older residents do (MIIT 适老化): the large-text switch in the header of every
page, 朗读 where the browser can speak, tables as cards below 600 px, dates that never break."""

from __future__ import annotations

from typing import Any

import pytest

from .browser_util import SiteMap, screenshot

pytestmark = pytest.mark.browser

PAGE_TYPES = ("home", "town", "board", "tracker", "brand", "gallery", "overdue", "pledges", "score", "ranking",
              "cycle", "promotion", "history")


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_the_large_text_switch_is_in_the_header(open_page: Any, site_map: SiteMap, kind: str) -> None:
    page = open_page(site_map.pages[kind], "320").page
    button = page.locator(".md-header [data-dj-textsize]")
    assert button.is_visible()
    assert button.get_attribute("aria-label") == "大字模式"
    box = button.bounding_box()
    assert box is not None and box["height"] >= 44 and box["x"] + box["width"] <= 320


def test_read_aloud_is_offered_where_the_browser_can_speak(open_page: Any, site_map: SiteMap) -> None:
    page = open_page(site_map.pages["board"], "375").page
    button = page.get_by_role("button", name="朗读")
    assert button.is_visible()
    page.evaluate("""() => { window.__spoken = []; speechSynthesis.speak = u => window.__spoken.push(u.text); }""")
    button.click()
    assert page.get_by_role("button", name="停止朗读").get_attribute("aria-pressed") == "true"
    spoken = page.evaluate("window.__spoken")
    heading = page.locator("h1").first.inner_text().strip()
    assert len(spoken) == 1 and spoken[0].startswith(heading)


def test_read_aloud_is_hidden_without_speech_synthesis(open_page: Any, site_map: SiteMap) -> None:
    page = open_page(site_map.pages["board"], "375",
                     before=lambda p: p.add_init_script("delete window.speechSynthesis;"
                                                        "delete window.SpeechSynthesisUtterance;")).page
    assert page.locator("[data-dj-read]").is_hidden()


@pytest.mark.parametrize("kind", ["ranking", "town", "score"])
def test_tables_become_cards_on_a_phone(open_page: Any, site_map: SiteMap, kind: str) -> None:
    page = open_page(site_map.pages[kind], "375").page
    rows = page.locator("table.dj-cardable tbody tr")
    assert rows.count() > 0
    assert rows.first.evaluate("e => getComputedStyle(e).display") == "block"
    label = page.locator("table.dj-cardable tbody td[data-label]").first
    assert label.evaluate("e => getComputedStyle(e, '::before').content").strip('"').endswith("：")
    widest = page.evaluate("() => Math.max(...[...document.querySelectorAll('table')].map(t => t.scrollWidth))")
    assert widest <= 375
    screenshot(page, f"{kind}-cards-375")


def test_wide_screens_keep_the_tables(open_page: Any, site_map: SiteMap) -> None:
    page = open_page(site_map.pages["ranking"], {"width": 1280, "height": 800}).page
    assert page.locator("table.dj-cardable tbody tr").first.evaluate("e => getComputedStyle(e).display") == "table-row"


def test_dates_never_break_across_lines(open_page: Any, site_map: SiteMap) -> None:
    page = open_page(site_map.pages["board"], "320").page
    cells = page.locator("td.dj-nowrap")
    assert cells.count() > 0
    for i in range(min(cells.count(), 10)):
        cell = cells.nth(i)
        one_line = cell.evaluate("""e => { const r = document.createRange(); r.selectNodeContents(e);
            const rects = [...r.getClientRects()].filter(x => x.width > 0);
            return new Set(rects.map(x => Math.round(x.top))).size <= 1; }""")
        assert one_line, cell.inner_text()
