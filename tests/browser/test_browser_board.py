"""A resident arriving from the QR code on the board sees, on the first phone screen, what was pledged,
how much is done, late or under way, and how the community scored."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from support import AS_OF_ARG, FULL_MARKS, cli

from .browser_util import VIEWPORTS, SiteMap, screenshot, serve

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
    order = {"逾期": 0, "停滞": 1, "进行中": 2, "未开始": 3, "未兑现": 4, "部分完成": 5, "已完成": 6}
    labels = page.locator("ul.dj-pledges:not(.dj-older ul) > li .dj-badge").all_inner_texts()
    ranks = [order[label] for label in labels]
    assert ranks == sorted(ranks), labels
    figures = dict(zip(page.locator("dl.dj-keyfigs dt").all_inner_texts(),
                       page.locator("dl.dj-keyfigs dd").all_inner_texts(), strict=True))
    assert figures["承诺"].rstrip("项") == str(len(labels))
    assert int(figures["逾期"]) == labels.count("逾期") and int(figures["已完成"]) == labels.count("已完成")
    for rarer in ("停滞", "未兑现", "部分完成"):  # shown only where they occur, and then counted right
        assert int(figures.get(rarer, "0")) == labels.count(rarer)


def test_a_stalled_pledge_shows_why_on_the_board_and_its_history_on_the_tracker(
        open_page: Any, site_map: SiteMap) -> None:
    page = open_page("towns/wangchuan/shuiyun/", "375").page
    figures = dict(zip(page.locator("dl.dj-keyfigs dt").all_inner_texts(),
                       page.locator("dl.dj-keyfigs dd").all_inner_texts(), strict=True))
    assert (figures["停滞"], figures["部分完成"]) == ("1", "1")
    stalled = page.locator("li.dj-status-stalled")
    assert "房屋安全鉴定" in stalled.inner_text()
    tracker = open_page("towns/wangchuan/shuiyun/pledges/", "375").page
    history = tracker.locator("li.dj-status-stalled details.dj-history")
    assert not history.locator("ol").is_visible()  # folded until asked for
    history.locator("summary").click()
    assert "状态改为“停滞”。依据：2026年7月水韵社区居民议事会纪要" in history.inner_text()


@pytest.fixture(scope="module")
def full_marks_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = tmp_path_factory.mktemp("full-marks") / "site"
    result = cli("build", "-p", str(FULL_MARKS), "-o", str(out), "--as-of", AS_OF_ARG)
    assert result.exit_code == 0, result.output
    with serve(out) as url:
        yield url


def test_a_full_marks_score_page_is_under_eight_phone_screens(browser: Any, full_marks_site: str) -> None:
    ctx = browser.new_context(viewport=VIEWPORTS["375"], user_agent=WECHAT)
    try:
        page = ctx.new_page()
        page.goto(full_marks_site + "/towns/nancheng/alpha/score/", wait_until="load")
        assert page.locator(".dj-score-plain").inner_text() == "23项中23项满分。"
        assert page.locator(".dj-scorecard").inner_text().startswith("2025年下半年考评 100分 优秀")
        height = page.evaluate("document.documentElement.scrollHeight")
        assert height < 8 * VIEWPORTS["375"]["height"], height
        # file:line references stay for inspectors, folded away (and in the open data)
        assert page.locator(".dj-source").first.is_hidden()
        page.locator("details.dj-item-details summary").first.click()
        assert page.locator(".dj-source").first.is_visible()
        screenshot(page, "score-full-marks-375")
    finally:
        ctx.close()


def test_a_score_page_says_where_points_were_lost(open_page: Any, site_map: SiteMap) -> None:
    page = open_page(site_map.pages["score"], "375").page
    plain = page.locator(".dj-score-plain").inner_text()
    lost = page.locator("li.dj-item-lost")
    if lost.count():
        first = lost.first.locator(".dj-item-head a").inner_text()
        assert "扣分在：" in plain and first in plain
        assert lost.first.locator(".dj-item-why").inner_text().startswith("差距：")
    assert "/" not in page.locator(".dj-scorecard-rank").inner_text()  # ranks read 第1名（共6个）, not 1/6
    assert "-H" not in page.locator("article").inner_text()  # periods read 2025年下半年, not 2025-H2


def test_a_rubric_item_page_lists_every_scored_community(open_page: Any, site_map: SiteMap) -> None:
    page = open_page("rubric/items/3/", "375").page
    assert page.locator("h1").inner_text() == "第3项：各社区得分"
    named = page.locator("ol.dj-items > li").count() + page.locator("ul.dj-cards > li").count()
    total = int(page.locator(".dj-score-plain").inner_text().split("个社区中")[0])
    assert named == total > 0
    screenshot(page, "rubric-item-375")


def test_every_board_offers_a_way_to_call_and_to_raise_a_problem(open_page: Any, site_map: SiteMap) -> None:
    page = open_page("towns/chunhui/qingchuan/", "375").page
    call = page.locator("#contact ~ dl a[href^='tel:']").first
    assert call.get_attribute("href") == "tel:000065120001" and call.inner_text() == "0000-65120001"
    feedback = page.locator(".dj-feedback")
    assert feedback.locator("a[href^='tel:']").inner_text() == "电话 0000-12345678"
    assert feedback.locator("a[href^='mailto:']").get_attribute("href").startswith("mailto:fankui@example.gov.cn?")
    other = open_page(site_map.pages["board"], "375").page
    assert other.locator(".dj-feedback").is_visible()
