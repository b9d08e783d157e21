"""Generated Markdown for the core pages of the minimal fixture, compared with golden files."""

from __future__ import annotations

import pytest
from golden_util import assert_golden
from support import AS_OF, MINIMAL

from generator.pipeline import run

PAGES = ["index.md", "towns/demo-town/index.md", "towns/demo-town/demo-community/index.md",
         "towns/demo-town/demo-community/cycles/2025-2026/index.md"]


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    result = run(MINIMAL, AS_OF)
    assert result.output is not None, [str(e) for e in result.log]
    return result.output.pages


@pytest.mark.parametrize("page", PAGES)
def test_golden_core_page(pages: dict[str, str], page: str) -> None:
    assert_golden(f"minimal/{page}", pages[page])


def test_draft_pledge_is_not_rendered(pages: dict[str, str]) -> None:
    assert not any("草稿承诺不应公开" in text for text in pages.values())
