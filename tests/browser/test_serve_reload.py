"""In a real browser: under `dangjian serve`, a broken record turns the open page into the Chinese error
page, and fixing the record brings the page back, without the reader pressing reload."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from serve_util import PAGE, PROFILE, edit, serving, wait_for

pytestmark = pytest.mark.browser


def test_open_page_follows_the_records_without_a_manual_reload(browser: Any, project_copy) -> None:  # type: ignore[no-untyped-def]
    root: Path = project_copy("minimal")
    profile = root / PROFILE
    with serving(root) as (base, _log):
        wait_for(base + PAGE, "示例社区")
        context = browser.new_context(viewport={"width": 375, "height": 667})
        try:
            page = context.new_page()
            page.goto(base + PAGE, wait_until="load")
            heading = page.locator("h1").first
            assert "示例社区" in heading.inner_text()
            edit(profile, "org_type: 社区党委", "org_type: 错误")
            page.wait_for_function("() => document.body.innerText.includes('记录有误')", timeout=30_000)
            assert "profile.yml:3: 组织类型(org_type): 应为以下之一：社区党委、社区党总支、社区党支部" in \
                page.locator(".dj-data-errors").inner_text()
            # While the records are broken, any page a reader opens answers at once with the Chinese error page.
            started = time.monotonic()
            page.goto(base + "/towns/demo-town/", wait_until="load", timeout=5_000)
            assert time.monotonic() - started < 1.0
            assert "记录有误，网站暂未更新" in page.locator("h1").first.inner_text()
            page.goto(base + PAGE, wait_until="load")
            edit(profile, "org_type: 错误", "org_type: 社区党委")
            edit(profile, "name: 示例社区", "name: 恢复社区")
            page.wait_for_function("() => document.body.innerText.includes('恢复社区')", timeout=30_000)
            assert "记录有误" not in page.locator("body").inner_text()
        finally:
            context.close()
