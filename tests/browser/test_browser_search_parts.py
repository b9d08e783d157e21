"""A city-sized site's search in a phone's browser: a town's pages load that town's part of the index, which
finds its communities' pledges; elsewhere the whole-site file finds any community by name
(generator/engine/search_parts.py; the sample is small, so it is built here with the parts turned on)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support import AS_OF, AS_OF_ARG, cli

from generator.engine import search_parts
from generator.pipeline import prepare

from .browser_util import SiteMap, sample_project, serve
from .test_browser_search import _hrefs, _open, _paste

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def parted_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out: Path = tmp_path_factory.mktemp("parted") / "site"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(search_parts, "PARTS_FROM", 1)
        result = cli("build", "-p", str(sample_project()), "-o", str(out), "--as-of", AS_OF_ARG)
    assert result.exit_code == 0, result.output
    with serve(out) as url:
        yield url


def _visit(browser: Any, url: str, without_parts: bool = False) -> tuple[Any, list[str]]:
    ctx = browser.new_context(viewport={"width": 375, "height": 667}, service_workers="block")
    if without_parts:  # the town's part cannot be fetched (a failed request)
        ctx.route("**/search/towns/*.json", lambda route: route.abort())
    page = ctx.new_page()
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url))
    page.goto(url, wait_until="load")
    return page, seen


def test_a_board_searches_its_towns_part(browser: Any, parted_url: str, site_map: SiteMap) -> None:
    tracker = site_map.search_pledge_anchor.split("#")[0]
    board = tracker.removesuffix("pledges/")
    town = board.split("/")[1]
    page, seen = _visit(browser, parted_url + board)
    try:
        _open(page)
        _paste(page, site_map.search_pledge_title)
        assert "/" + tracker in _hrefs(page)
        index = [u.removeprefix(parted_url) for u in seen if "/search/" in u and u.endswith(".json")]
        assert index == ["search/search_index.json", f"search/towns/{town}.json"]  # shared, then the town's own
    finally:
        page.context.close()


def test_the_home_page_finds_a_community_by_name(browser: Any, parted_url: str, site_map: SiteMap) -> None:
    board = site_map.search_pledge_anchor.split("#")[0].removesuffix("pledges/")
    prepared = prepare(sample_project(), AS_OF)
    assert prepared.context is not None
    name = next(c.name for c in prepared.context.district.communities() if c.url == board)
    page, seen = _visit(browser, parted_url)
    try:
        _open(page)
        _paste(page, name)
        assert "/" + board in _hrefs(page)
        assert [u.removeprefix(parted_url) for u in seen if "/search/" in u and u.endswith(".json")] == [
            "search/search_index.json"]
    finally:
        page.context.close()


def _find_another_towns_community(browser: Any, parted_url: str, site_map: SiteMap, without_parts: bool) -> None:
    """On a board, search another town's community by name; its link must be among the results."""
    board = site_map.search_pledge_anchor.split("#")[0].removesuffix("pledges/")
    town = board.split("/")[1]
    prepared = prepare(sample_project(), AS_OF)
    assert prepared.context is not None
    other = next(c for c in prepared.context.district.communities() if c.url.split("/")[1] != town)
    page, _ = _visit(browser, parted_url + board, without_parts=without_parts)
    try:
        _open(page)
        _paste(page, other.name)
        assert "/" + other.url in _hrefs(page)
    finally:
        page.context.close()


def test_a_board_also_finds_another_towns_community_by_name(browser: Any, parted_url: str, site_map: SiteMap) -> None:
    """The shared file's entries are searched on a town's pages too: the loader merges them with the part."""
    _find_another_towns_community(browser, parted_url, site_map, without_parts=False)


def test_a_board_whose_part_fails_to_load_still_finds_communities_by_name(browser: Any, parted_url: str,
                                                                        site_map: SiteMap) -> None:
    _find_another_towns_community(browser, parted_url, site_map, without_parts=True)
