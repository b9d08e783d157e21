"""Skipping the Markdown parser for generated HTML blocks must not change the page."""

from __future__ import annotations

import re

import markdown
import pytest
from support import AS_OF, MINIMAL

from generator.engine.html_blocks import Stash
from generator.pipeline import run

EXTENSIONS = ["attr_list", "tables", "admonition", "def_list", "toc"]


def _html(text: str) -> str:
    return markdown.markdown(text, extensions=EXTENSIONS)


def _norm(html: str) -> str:
    return re.sub(r"\s+", " ", html).replace("> <", "><").strip()


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    result = run(MINIMAL, AS_OF)
    assert result.output is not None
    return {k: v.split("---\n", 2)[-1] for k, v in result.output.pages.items() if k != "about.md"}


def test_generated_pages_render_the_same_with_and_without_the_parser(pages: dict[str, str]) -> None:
    assert pages
    for name, body in pages.items():
        stash = Stash(body)
        assert stash.blocks, name
        assert _norm(stash.restore(_html(stash.markdown))) == _norm(_html(body)), name


def test_markdown_headings_still_go_through_markdown() -> None:
    stash = Stash("## 公开承诺 {#pledges}\n\n<ul class=\"x\">\n<li>甲</li>\n</ul>\n")
    html = stash.restore(_html(stash.markdown))
    assert '<h2 id="pledges">公开承诺</h2>' in html and '<ul class="x">' in html


def test_a_forged_token_in_record_text_is_not_replaced() -> None:
    stash = Stash("<div>甲</div>\n\nDJHTMLBLOCK0000000000000000N0X\n")
    html = stash.restore(_html(stash.markdown))
    assert "DJHTMLBLOCK0000000000000000N0X" in html
    assert html.count("<div>甲</div>") == 1
