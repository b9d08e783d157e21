"""Resident pages in a real browser: accessibility, layout at 320 px, large text, search, no third parties."""

from __future__ import annotations

import gzip
from typing import Any
from xml.etree import ElementTree

import pytest

from .browser_util import AXE, VIEWPORTS, WEIGHTS, SiteMap, Visit, png_size, screenshot

pytestmark = pytest.mark.browser

AXE_PAGES = ["home", "towns", "town", "board", "brand", "gallery", "overdue", "screen", "score", "item", "ranking",
             "cycle", "promotion", "history"]
ALL_PAGES = [*AXE_PAGES, "tracker", "pledges", "print"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def run_axe(page: Any) -> list[dict[str, Any]]:
    if not AXE.is_file():
        pytest.fail(f"{AXE} missing: run scripts/setup-test-tools.sh")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS)
    return result["violations"]


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        targets = [" ".join(map(str, n["target"])) for n in v["nodes"][:5]]
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} -> {targets}")
    return "\n".join(lines)


@pytest.mark.parametrize("viewport", ["375", "320"])
@pytest.mark.parametrize("kind", AXE_PAGES)
def test_axe_has_no_wcag_violations(open_page: Any, site_map: SiteMap, kind: str, viewport: str) -> None:
    visit: Visit = open_page(site_map.pages[kind], viewport)
    visit.page.wait_for_load_state("networkidle")
    screenshot(visit.page, f"{kind}-{viewport}")
    violations = run_axe(visit.page)
    assert not violations, describe(violations)


OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const clipped = el => {
    for (let p = el.parentElement; p && p !== document.body && p !== document.documentElement; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') return true;
    }
    return false;
  };
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || r.right <= 0) continue;  // zero-size, or the off-canvas drawer
    if ((r.right > width + 1 || r.left < -1) && !clipped(el)) {
      out.push(el.tagName.toLowerCase() + '.' + el.className + ' ' + Math.round(r.left) + '..' + Math.round(r.right));
    }
  }
  return {scroll: document.documentElement.scrollWidth, body: document.body.scrollWidth, width, out: out.slice(0, 10)};
}"""


@pytest.mark.parametrize("kind", ALL_PAGES)
def test_no_horizontal_scroll_at_320(open_page: Any, site_map: SiteMap, kind: str) -> None:
    visit = open_page(site_map.pages[kind], "320")
    found = visit.page.evaluate(OVERFLOW_JS)
    assert found["scroll"] <= found["width"], found
    assert found["body"] <= found["width"], found
    assert not found["out"], found


def body_font(page: Any) -> tuple[float, float]:
    size, line = page.evaluate("""() => {
      const p = document.querySelector('.md-content .md-typeset p');
      const s = getComputedStyle(p);
      return [parseFloat(s.fontSize), parseFloat(s.lineHeight) / parseFloat(s.fontSize)];
    }""")
    return size, line


def test_body_text_is_readable_without_javascript(open_page: Any, site_map: SiteMap) -> None:
    for kind in ("home", "board", "brand", "tracker"):
        visit = open_page(site_map.pages[kind], "375", javascript=False)
        size, line = body_font(visit.page)
        assert size >= 16, (kind, size)
        assert line >= 1.5, (kind, line)
        assert visit.page.locator("[data-dj-textsize]").is_hidden()  # a button that would do nothing stays hidden


def test_large_text_mode_is_a_remembered_toggle(open_page: Any, site_map: SiteMap, base_url: str) -> None:
    visit = open_page(site_map.pages["board"], "375")
    page = visit.page
    button = page.get_by_role("button", name="大字模式")
    assert button.get_attribute("aria-pressed") == "false"
    normal, _ = body_font(page)
    button.click()
    assert button.get_attribute("aria-pressed") == "true"
    large, _ = body_font(page)
    assert large >= 18 and large > normal, (normal, large)
    page.reload()
    assert body_font(page)[0] == large
    assert page.get_by_role("button", name="大字模式").get_attribute("aria-pressed") == "true"
    screenshot(page, "board-large-text-375")
    # Reachable from every page type that uses the site layout, and remembered there too.
    for kind in ("home", "town", "brand", "gallery", "overdue", "tracker", "pledges", "print"):
        page.goto(base_url + site_map.pages[kind])
        other = page.get_by_role("button", name="大字模式")
        assert other.is_visible(), kind
        assert other.get_attribute("aria-pressed") == "true", kind
        assert body_font(page)[0] >= 18, kind
    other.click()
    page.reload()
    assert page.get_by_role("button", name="大字模式").get_attribute("aria-pressed") == "false"


def test_main_controls_are_at_least_44px(open_page: Any, site_map: SiteMap) -> None:
    selectors = [".md-header__button:visible", "[data-dj-textsize]", ".dj-button", "a.dj-filter",
                 ".dj-cards a", ".dj-table td a", ".dj-footer-link"]
    for kind in ("home", "board", "tracker", "gallery"):
        visit = open_page(site_map.pages[kind], "375")
        small = []
        for sel in selectors:
            for box in visit.page.locator(sel).evaluate_all(
                    "els => els.map(e => { const r = e.getBoundingClientRect();"
                    " return [e.outerHTML.slice(0, 80), r.width, r.height]; })"):
                if box[1] and (box[1] < 44 or box[2] < 44):
                    small.append((kind, *box))
        assert not small, small


def open_search(page: Any) -> None:
    """On phones the search box opens from a header button; on wide screens it is already there."""
    label = page.locator("label.md-header__button[for='__search']")
    if label.is_visible():
        label.click()
    else:
        page.locator("input.md-search__input").click()


def test_search_finds_a_pledge_by_a_two_character_word(open_page: Any, site_map: SiteMap) -> None:
    visit = open_page(site_map.pages["home"], {"width": 1280, "height": 800})
    page = visit.page
    open_search(page)
    # Wait until the worker has loaded the index ("正在初始化搜索引擎" -> "键入以开始搜索"), then type.
    page.locator(".md-search-result__meta", has_text="键入").wait_for(timeout=30000)
    query = page.locator("input.md-search__input")
    query.fill(site_map.search_word)  # Chinese arrives as committed IME text, without key events ...
    query.press("End")  # ... Material's search reacts to key events, which a real keyboard also sends
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=30000)
    hrefs = page.locator(".md-search-result__link").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    texts = page.locator(".md-search-result__list").inner_text()
    screenshot(page, "search-desktop")
    path, _, anchor = site_map.search_pledge_anchor.partition("#")
    assert any(path in (h or "") and (h or "").endswith("#" + anchor) for h in hrefs), (site_map.search_pledge_anchor,
                                                                                     hrefs)
    assert site_map.search_pledge_title.replace(" ", "")[:4] in texts.replace(" ", "").replace("\u200b", "")


@pytest.mark.parametrize("kind", [*ALL_PAGES, "search"])
def test_no_request_leaves_the_local_server(open_page: Any, site_map: SiteMap, kind: str) -> None:
    path = site_map.pages["home" if kind == "search" else kind]
    visit = open_page(path, "375")
    if kind == "search":
        open_search(visit.page)
        visit.page.locator("input.md-search__input").fill(site_map.search_word)
        visit.page.locator("input.md-search__input").press("End")
    visit.page.wait_for_load_state("networkidle")
    visit.page.mouse.wheel(0, 20000)  # lazy images
    visit.page.wait_for_timeout(300)
    assert visit.foreign == []


@pytest.mark.parametrize(("kind", "viewport", "width"), [
    ("tracker", "375", 375), ("pledges", "375", 375), ("print", "375", 375), ("screen", "1920", 1920)])
def test_screenshot_is_written_at_the_viewport_width(open_page: Any, site_map: SiteMap, kind: str, viewport: str,
                                                     width: int) -> None:
    size = VIEWPORTS.get(viewport, {"width": 1920, "height": 1080})
    path = screenshot(open_page(site_map.pages[kind], size).page, f"{kind}-{viewport}")
    shot_width, shot_height = png_size(path)
    assert shot_width == width and shot_height >= size["height"]


def test_feed_is_served_as_atom(open_page: Any, site_map: SiteMap, base_url: str) -> None:
    visit = open_page("", "375")
    href = visit.page.locator("a.dj-button", has_text="订阅更新").get_attribute("href")  # the visible link
    response = visit.page.request.get(base_url + href.lstrip("./").replace("../", ""))
    assert response.ok and "xml" in response.headers.get("content-type", "")
    feed = ElementTree.fromstring(response.body())
    atom = "{http://www.w3.org/2005/Atom}"
    assert feed.tag == f"{atom}feed"
    entries = feed.findall(f"{atom}entry")
    assert entries and all(e.findtext(f"{atom}title") and e.find(f"{atom}link") is not None for e in entries)


TEXT_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml", "application/xml")


def page_weight(visit: Visit) -> dict[str, int]:
    """Bytes each response would take on the wire from a server that gzips text (level 6)."""
    sizes: dict[str, int] = {}
    for url, (ctype, body) in visit.page.context.dj_bodies.items():
        sizes[url] = len(gzip.compress(body, 6)) if ctype.startswith(TEXT_TYPES) else len(body)
    return sizes


@pytest.mark.parametrize("kind", ["board", "home", "brand"])
def test_page_weight_is_at_most_300_kb(open_page: Any, site_map: SiteMap, kind: str) -> None:
    def record(page: Any) -> None:
        bodies: dict[str, tuple[str, bytes]] = {}
        page.context.dj_bodies = bodies

        def done(request: Any) -> None:
            response = request.response()
            if response is not None and response.ok:
                bodies[request.url] = (response.headers.get("content-type", ""), response.body())

        page.context.on("requestfinished", done)

    visit = open_page(site_map.pages[kind], "375", before=record)
    visit.page.wait_for_load_state("networkidle")
    visit.page.mouse.wheel(0, 20000)
    visit.page.wait_for_timeout(500)
    sizes = page_weight(visit)
    total = sum(sizes.values())
    raw = sum(len(body) for _, body in visit.page.context.dj_bodies.values())
    WEIGHTS.parent.mkdir(parents=True, exist_ok=True)
    with WEIGHTS.open("a", encoding="utf-8") as log:
        log.write(f"{kind}: {total} bytes gzip-transferred ({raw} uncompressed), {len(sizes)} requests\n")
        for url, n in sorted(sizes.items(), key=lambda kv: -kv[1]):
            log.write(f"  {n:8d} {url.split('/', 3)[-1]}\n")
    # The search index waits for the first focus of the search box: a first visit never pays for it.
    assert not any(u.endswith("search_index.json") for u in sizes), "the search index loaded on a page view"
    assert total <= 300_000, sorted(sizes.items(), key=lambda kv: -kv[1])[:5]


def test_old_browser_without_resize_observer_uses_the_local_polyfill(open_page: Any, site_map: SiteMap) -> None:
    """Material's bundle would fetch unpkg.com when ResizeObserver is missing (old WeChat/X5 kernels)."""
    requested: list[str] = []

    def before(page: Any) -> None:
        page.add_init_script("delete window.ResizeObserver")
        page.on("request", lambda r: requested.append(r.url))

    visit = open_page(site_map.pages["board"], "375", before=before)
    visit.page.wait_for_load_state("networkidle")
    assert visit.foreign == []
    assert any(url.endswith("/resize-observer-polyfill-1.5.1.js") for url in requested)
    assert visit.page.evaluate("typeof ResizeObserver") == "function"


def test_score_items_become_cards_on_a_phone(open_page: Any, site_map: SiteMap) -> None:
    """At 375 px each of the 23 items is one card: number, score, and (folded) what was assessed and why."""
    page = open_page(site_map.pages["score"], "375").page
    cards = page.locator("ol.dj-items > li.dj-item")
    assert cards.count() == 23
    box = cards.first.bounding_box()
    assert box is not None and box["width"] > 300
    assert cards.first.locator(".dj-item-head").inner_text().startswith("第1项")
