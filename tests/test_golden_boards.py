"""Golden files for the resident-board pages we generate (Markdown + HTML blocks, feed, redirect).

Regenerate after an intended change with:

    UPDATE_GOLDEN=1 python -m pytest tests/test_golden_boards.py

and review the diff under tests/golden/boards/ before committing.
"""

from __future__ import annotations

import pytest
from boards_util import district_output
from golden_util import assert_golden

PAGES = [
    "towns/chengnan/qingchuan/pledges/index.md",
    "towns/chengnan/liuyin/pledges/index.md",
    "pledges/index.md",
    "pledges/overdue/index.md",
    "brands/index.md",
    "brands/elder-canteen/index.md",
    "brands/green-home/index.md",
    "promotion/index.md",
    "screen/chengnan/qingchuan/index.md",
    "towns/chengnan/qingchuan/print/index.md",
]
FILES = ["feed.xml", "brands/qingchuan-canteen/index.html", "towns/chengnan/qingchuan/qr.svg"]


@pytest.mark.parametrize("path", PAGES)
def test_page_matches_golden(path: str) -> None:
    _, output = district_output()
    assert_golden("boards/" + path.replace("/index.md", "").replace("/", "__") + ".md", output.pages[path])


@pytest.mark.parametrize("path", FILES)
def test_file_matches_golden(path: str) -> None:
    _, output = district_output()
    name = path.replace("/index.html", ".html").replace("/", "__")
    assert_golden("boards/" + name, output.files[path].decode("utf-8"))


def test_every_generated_page_is_covered_or_a_sibling() -> None:
    _, output = district_output()
    families = {p.split("/")[0] for p in output.pages}
    assert families == {"towns", "pledges", "brands", "promotion", "screen"}
