"""`--as-of` is "today" everywhere: no status, overdue count or period may read the machine's clock.

The dates here are chosen so that the machine's clock (any day after 2026-06-30) gives a different
answer from the pinned date: a status computed from the clock fails these tests.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from support import cli

from generator.pages.status import pledge_status
from generator.records.schema import Pledge

LATE_PLEDGE = """  - id: canteen-2026
    kind: 组织承诺
    title: 社区食堂开业
    target: 开业运营
    owner: 社区党委
    published_via: [会议]
    published_on: 2025-02-01
    due: 2026-06-30
    milestones:
      - {date: 2026-03-31, title: 完成装修, status: 进行中}
"""


def _pledge() -> Pledge:
    return Pledge.model_validate({
        "id": "canteen-2026", "kind": "组织承诺", "title": "社区食堂开业", "target": "开业运营", "owner": "社区党委",
        "published_via": ["会议"], "published_on": dt.date(2025, 2, 1), "due": dt.date(2026, 6, 30),
        "milestones": [{"date": dt.date(2026, 3, 31), "title": "完成装修", "status": "进行中"}]})


@pytest.mark.parametrize(("as_of", "label", "late"), [
    ("2026-02-01", "进行中", 0),   # before the milestone: in progress, whatever the clock says
    ("2026-03-31", "进行中", 0),   # on the milestone's day it is not yet late
    ("2026-04-01", "逾期", 1),     # the day after, it is
])
def test_pledge_status_follows_the_as_of_date(as_of: str, label: str, late: int) -> None:
    status = pledge_status(_pledge(), dt.date.fromisoformat(as_of))
    assert (status.label, status.overdue_milestones) == (label, late)


def _tracker_status(site: Path) -> tuple[str, str]:
    html = (site / "towns/demo-town/demo-community/pledges/index.html").read_text(encoding="utf-8")
    item = re.search(r'<li class="dj-pledge[^"]*" data-status="([a-z-]+)"(?:(?!</li>).)*?社区食堂开业', html, re.S)
    assert item is not None, "pledge missing from the tracker"
    block = html[item.start():html.index("</ol>", item.start())] if "</ol>" in html[item.start():] else html
    return item.group(1), block


def test_build_uses_the_as_of_date_not_the_clock(project_copy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root: Path = project_copy("minimal")
    pledges = root / "communities/demo-town/demo-community/pledges.yml"
    pledges.write_text(pledges.read_text(encoding="utf-8") + LATE_PLEDGE, encoding="utf-8")
    early, late = tmp_path / "early", tmp_path / "late"
    assert cli("build", "-p", str(root), "-o", str(early), "--as-of", "2026-02-01").exit_code == 0
    assert cli("build", "-p", str(root), "-o", str(late), "--as-of", "2026-04-11").exit_code == 0
    status, block = _tracker_status(early)
    assert status == "ongoing" and "逾期" not in block
    status, block = _tracker_status(late)
    assert status == "overdue" and "逾期 11 天" in block
