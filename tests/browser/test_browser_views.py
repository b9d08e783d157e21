"""Filters without JavaScript, the big screen, the A4 print sheet and old brand links, in a real browser."""

from __future__ import annotations

import re
from typing import Any

import pytest
from support import AS_OF_ARG, BOARDS_DISTRICT, cli

from .browser_util import SiteMap, screenshot, serve

pytestmark = pytest.mark.browser


def visible_statuses(page: Any) -> set[str]:
    return set(page.locator(".dj-tracker .dj-pledge:visible").evaluate_all(
        "els => els.map(e => e.dataset.status)"))


@pytest.mark.parametrize("javascript", [False, True])
def test_tracker_filters_work_with_and_without_javascript(open_page: Any, site_map: SiteMap,
                                                          javascript: bool) -> None:
    path = site_map.pages["tracker"]
    page = open_page(path, "375", javascript=javascript).page
    everything = visible_statuses(page)
    assert len(everything) >= 2, everything
    for status in sorted(everything):
        page.goto(page.url.split("#")[0] + f"#f-{status}")
        assert visible_statuses(page) == {status}
        if javascript:
            current = page.locator(".dj-filter[aria-current]")
            assert current.get_attribute("data-filter") == status
            assert re.match(r"显示 \d+ 项承诺", page.locator(".dj-filter-result").inner_text())
    page.goto(page.url.split("#")[0] + "#f-member")
    kinds = set(page.locator(".dj-tracker .dj-pledge:visible").evaluate_all("els => els.map(e => e.dataset.kind)"))
    assert kinds <= {"member"}


def test_brand_gallery_select_filters(open_page: Any, site_map: SiteMap) -> None:
    page = open_page(site_map.pages["gallery"], "375").page
    total = page.locator(".dj-brand-card:visible").count()
    town = page.locator("#dj-filter-town option").nth(1).get_attribute("value")
    page.select_option("#dj-filter-town", town)
    shown = page.locator(".dj-brand-card:visible")
    assert 0 < shown.count() < total
    assert set(shown.evaluate_all("els => els.map(e => e.dataset.town)")) == {town}
    page.select_option("#dj-filter-town", "")
    assert page.locator(".dj-brand-card:visible").count() == total


def test_screen_rotates_by_itself(open_page: Any, site_map: SiteMap) -> None:
    visit = open_page(site_map.pages["screen"], {"width": 1920, "height": 1080},
                      before=lambda page: page.clock.install())
    page = visit.page
    slides = page.locator(".dj-slide")
    assert slides.count() >= 3
    first = page.locator(".dj-slide:visible").get_attribute("aria-label")
    assert page.locator(".dj-slide:visible").count() == 1
    page.clock.run_for(13_000)
    second = page.locator(".dj-slide:visible").get_attribute("aria-label")
    assert second != first
    fits = page.evaluate("""() => [...document.querySelectorAll('.dj-slide')].map(s => {
        s.hidden = false; const ok = s.scrollHeight <= s.clientHeight + 2; return [s.getAttribute('aria-label'), ok];
    })""")
    assert all(ok for _, ok in fits), fits  # nothing is cut off on a 1920×1080 display
    assert visit.foreign == []


def test_screen_without_javascript_shows_every_slide(open_page: Any, site_map: SiteMap) -> None:
    page = open_page(site_map.pages["screen"], {"width": 1920, "height": 1080}, javascript=False).page
    assert page.locator(".dj-slide:visible").count() == page.locator(".dj-slide").count()


def test_print_sheet_fits_on_a4(open_page: Any, site_map: SiteMap) -> None:
    page = open_page(site_map.pages["print"], "375").page
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 1, f"the print sheet takes {pages} A4 pages"
    page.emulate_media(media="print")
    screenshot(page, "print-as-printed")
    assert page.locator(".md-header").is_hidden()
    assert page.locator(".dj-sheet-qr img").is_visible()


def test_old_brand_link_redirects(open_page: Any, site_map: SiteMap, browser: Any,
                                  tmp_path_factory: pytest.TempPathFactory) -> None:
    if site_map.redirect_from is not None:
        page = open_page(site_map.redirect_from, "375").page
        page.wait_for_url(f"**/{site_map.redirect_to}")
        assert page.locator("h1").count() == 1
        return
    # The sample district has no renamed brand: check the redirect on the board fixture's build instead.
    out = tmp_path_factory.mktemp("redirect") / "site"
    result = cli("build", "-p", str(BOARDS_DISTRICT), "-o", str(out), "--as-of", AS_OF_ARG)
    assert result.exit_code == 0, result.output
    with serve(out) as base:
        ctx = browser.new_context()
        page = ctx.new_page()
        page.goto(base + "brands/qingchuan-canteen/")
        page.wait_for_url("**/brands/elder-canteen/")
        assert page.locator("h1").inner_text() == "晴川长者食堂"
        ctx.close()
