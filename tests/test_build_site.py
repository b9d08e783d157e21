"""A full MkDocs build of the minimal fixture: pages, identity, no third-party hosts, small nav."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support import AS_OF_ARG, MINIMAL, cli

HOST_RE = re.compile(r"""(?:src|href|content|action)\s*=\s*["']?(?:https?:)?//([^/"'\s>]+)""", re.I)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("build") / "site"
    result = cli("build", "-p", str(MINIMAL), "--as-of", AS_OF_ARG, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert re.fullmatch(rf"已生成 1 个社区、\d+ 个页面，0 条警告，用时 \d+\.\d 秒 -> {re.escape(str(out))}\n",
                        result.stdout)
    return out


def test_core_pages_exist(site: Path) -> None:
    for page in ("index.html", "towns/demo-town/index.html", "towns/demo-town/demo-community/index.html",
                 "about/index.html", "sitemap.xml", "search/search_index.json"):
        assert (site / page).is_file(), page


def test_no_third_party_hosts_in_pages(site: Path) -> None:
    hosts = set()
    for page in site.rglob("*.html"):
        hosts |= set(HOST_RE.findall(page.read_text(encoding="utf-8")))
    assert hosts <= {"dangjian.example.gov.cn"}, hosts


def test_no_google_fonts(site: Path) -> None:
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text, page


def test_sample_banner_and_footer_identity(site: Path) -> None:
    html = (site / "towns/demo-town/demo-community/index.html").read_text(encoding="utf-8")
    assert "示例数据：本站所有社区、人员和数字均为虚构" in html
    assert "<p>主办单位：中共青禾区委组织部(示例) · 承办单位：青禾区党建信息中心(示例)</p>" in html
    assert "示ICP备00000000号" in html and "示公网安备00000000000000号" in html
    assert '<html lang="zh"' in html


def test_community_pages_stay_out_of_the_nav(site: Path) -> None:
    home = (site / "index.html").read_text(encoding="utf-8")
    start = home.index('class="md-nav md-nav--primary"')
    nav = home[start:home.index('class="md-content"', start)]
    assert "towns/demo-town/" in nav
    assert "towns/demo-town/demo-community/" not in nav


def test_chinese_search_index_is_segmented_and_unescaped(site: Path) -> None:
    index = (site / "search/search_index.json").read_text(encoding="utf-8")
    assert "\u200b" in index  # jieba word boundaries
    docs = index[index.index('"docs"'):]
    assert "养老" in docs and "\\u" not in docs  # UTF-8, not \uXXXX escapes (half the bytes)


def test_draft_text_is_nowhere_in_the_site(site: Path) -> None:
    for file in site.rglob("*"):
        if file.is_file() and file.suffix in {".html", ".json", ".xml", ".csv", ".txt"}:
            assert "草稿承诺不应公开" not in file.read_text(encoding="utf-8"), file
