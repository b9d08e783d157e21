"""`dangjian serve` rebuilds from the YAML records when one is saved, without a restart.

Every wait here is on a condition (the page shows a text), bounded by a deadline; none is a fixed sleep.
"""

from __future__ import annotations

import time
from pathlib import Path

from serve_util import PAGE, PROFILE, edit, fetch, serving, wait_for

ORG_TYPE = "profile.yml:3: 组织类型(org_type): 应为以下之一：社区党委、社区党总支、社区党支部"


def test_saving_a_record_updates_the_open_page(project_copy) -> None:  # type: ignore[no-untyped-def]
    root: Path = project_copy("minimal")
    profile = root / PROFILE
    with serving(root) as (base, log):
        url = base + PAGE
        wait_for(url, "示例社区")
        edit(profile, "name: 示例社区", "name: 改名社区")
        wait_for(url, "改名社区")

        # A broken record: every page answers at once with the located problem, in Chinese.
        edit(profile, "org_type: 社区党委", "org_type: 错误")
        page = wait_for(url, "记录有误，网站暂未更新")
        assert ORG_TYPE in page
        assert "改名社区" not in page
        for path in (PAGE, "/", "/towns/demo-town/"):
            started = time.monotonic()
            assert "记录有误" in fetch(base + path, timeout=5), path
            assert time.monotonic() - started < 1.0, f"{path} took over 1 s while the records were broken"

        # Fixing it rebuilds the real page again.
        edit(profile, "org_type: 错误", "org_type: 社区党委")
        edit(profile, "name: 改名社区", "name: 恢复社区")
        page = wait_for(url, "恢复社区")
        assert "记录有误" not in page
    assert any(line.endswith(ORG_TYPE) for line in log), "\n".join(log)
    assert not any("Traceback" in line for line in log), "\n".join(log)


def test_serve_starts_on_broken_records_and_prints_its_address(project_copy) -> None:  # type: ignore[no-untyped-def]
    root: Path = project_copy("minimal")
    profile = root / PROFILE
    edit(profile, "org_type: 社区党委", "org_type: 错误")
    with serving(root) as (base, log):
        page = wait_for(base + "/", "记录有误，网站暂未更新")
        assert "应为以下之一：社区党委、社区党总支、社区党支部" in page
        edit(profile, "org_type: 错误", "org_type: 社区党委")
        wait_for(base + PAGE, "示例社区")
    assert f"预览地址：{base}/（记录保存后页面自动刷新；按 Ctrl+C 停止）" in log, "\n".join(log)
