"""Search entries come from Material's own section parser, its HTML read by lxml: the same sections as
Material's html.parser reading gives, on every page of the sample site and on the awkward cases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from material.plugins.search.plugin import Parser
from support import AS_OF_ARG, REPO, cli

import generator.engine.mkdocs_search as search_module
from generator.engine.mkdocs_search_parse import sections


def by_html_parser(html: str) -> list[tuple[Any, ...]]:
    parser = Parser()
    parser.feed(html)
    parser.close()
    return described(parser.data)


def described(found: list[Any]) -> list[tuple[Any, ...]]:
    return [(s.el.tag, s.id, s.depth, s.title, s.text, s.is_excluded()) for s in found]


@pytest.mark.parametrize("html", [
    "<h1 id=\"t\">标题</h1><p>一段<strong>加粗</strong>文字</p>\n<ul>\n<li>甲</li>\n<li>乙</li>\n</ul>",
    "<p>前<!-- 注释 -->后</p><h2 id=\"a\">小节<a class=\"headerlink\" href=\"#a\">¶</a></h2><p>正文</p>",
    "<div data-search-exclude><p>不进索引</p></div><p>进索引 &amp; 转义 &lt;b&gt;</p>",
    "<pre><code>  缩进\n  保留  </code></pre><p>a<br>b<br/>c<img src=\"x.png\" alt=\"图\"></p>",
    "<section><h2 id=\"n\">嵌套标题</h2><p>内</p></section><p>外</p>",
    "开头是文字 <b>粗</b>",  # not a tag first: read by html.parser, as Material does
    "   ",
    "",
])
def test_the_sections_are_html_parsers(html: str) -> None:
    assert described(sections(html)) == by_html_parser(html)


def test_every_page_of_the_sample_site_gives_html_parsers_sections(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pages: list[tuple[str, str]] = []
    real = search_module.index_page

    def kept(index: Any, page: Any) -> None:
        pages.append((page.file.src_uri, page.content or ""))
        real(index, page)

    monkeypatch.setattr(search_module, "index_page", kept)
    result = cli("build", "-p", str(REPO), "--as-of", AS_OF_ARG, "-o", str(tmp_path / "site"),
                 env={"DANGJIAN_WORKERS": "1", "DANGJIAN_NO_CACHE": "1"})
    assert result.exit_code == 0, result.output
    assert len(pages) > 100
    differ = [uri for uri, html in pages if described(sections(html)) != by_html_parser(html)]
    assert differ == []
