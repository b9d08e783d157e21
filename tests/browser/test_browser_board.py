"""A resident arriving from the QR code on the board sees, on the first phone screen, what was pledged,
how much is done, late or under way, and how the community scored."""

from __future__ import annotations

from typing import Any

import pytest

from .browser_util import VIEWPORTS, SiteMap, screenshot

pytestmark = pytest.mark.browser

WECHAT = ("Mozilla/5.0 (Linux; Android 12; V2049A) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 "
          "Chrome/107.0 Mobile Safari/537.36 XWEB/5023 MMWEBSDK/20230405 MicroMessenger/8.0.35.2360 "
          "WeChat/arm64 Weixin NetType/WIFI Language/zh_CN")


@pytest.mark.parametrize("viewport", ["375", "320"])
def test_the_first_screen_answers_what_was_promised_and_how_we_scored(browser: Any, base_url: str,
                                                                     site_map: SiteMap, viewport: str) -> None:
    size = VIEWPORTS[viewport]
    ctx = browser.new_context(viewport=size, user_agent=WECHAT)
    try:
        page = ctx.new_page()
        page.goto(base_url + "/" + site_map.pages["board"], wait_until="load")
        figures = page.locator("dl.dj-keyfigs > div")
        assert [t.split("\n")[0] for t in figures.all_inner_texts()] == ["承诺", "已完成", "进行中", "逾期"]
        card = page.locator(".dj-scorecard")
        text = card.inner_text()
        assert "考评" in text and ("分" in text or "尚未验收" in text)
        for element in (figures.last, card):
            box = element.bounding_box()
            assert box is not None and box["y"] + box["height"] <= size["height"], (element, box)
        first_pledge = page.locator("ul.dj-pledges > li").first.bounding_box()
        assert first_pledge is not None
        screenshot(page, f"board-first-screen-{viewport}")
    finally:
        ctx.close()


def test_the_board_lists_late_and_ongoing_pledges_first(open_page: Any, site_map: SiteMap) -> None:
    page = open_page(site_map.pages["board"], "375").page
    order = {"逾期": 0, "进行中": 1, "未开始": 2, "已完成": 3}
    labels = page.locator("ul.dj-pledges:not(.dj-older ul) > li .dj-badge").all_inner_texts()
    ranks = [order[label] for label in labels]
    assert ranks == sorted(ranks), labels
    figures = dict(zip(page.locator("dl.dj-keyfigs dt").all_inner_texts(),
                       page.locator("dl.dj-keyfigs dd").all_inner_texts(), strict=True))
    assert figures["承诺"].rstrip("项") == str(len(labels))
    assert int(figures["逾期"]) == labels.count("逾期") and int(figures["已完成"]) == labels.count("已完成")
