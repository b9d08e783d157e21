"""Plain text stays plain: a name, title or target holding Markdown or an attribute list is shown exactly
as written on every page and in the feed, and never becomes a link, an attribute or one of Material's ids;
a line break in a single-line field is an error."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest
from support import AS_OF_ARG, TRUST, cli, copy_project
from trust_util import build, tree

PINE = "communities/east-town/pine"
HOSTILE = {
    f"{PINE}/profile.yml": ("name: 松园社区", 'name: "松园[点我领奖](https://evil.example/win){: onclick=alert(1) }"'),
    f"{PINE}/pledges.yml": ("title: 为高龄老人提供养老助餐服务",
                            'title: "**助餐** `x` {: #__drawer .md-button} ![图](https://evil.example/p.png)"'),
    f"{PINE}/brands.yml": ("name: 松园红色花园", 'name: "# 松园 <b>红色</b> | 花园 [x][1]"'),
    "communities/district.yml": ("title: 2026年度先进社区党组织", 'title: "2026年度[先进](javascript:alert(1))社区"'),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    root = tmp_path_factory.mktemp("plain")
    edits = {path: (lambda text, a=a, b=b: text.replace(a, b, 1)) for path, (a, b) in HOSTILE.items()}
    project = copy_project(TRUST, root / "project", edits)
    out = root / "site"
    result = build(project, out)
    assert result.exit_code == 0, result.output
    return tree(out)


def _pages(site: dict[str, bytes]) -> dict[str, lxml.html.HtmlElement]:
    return {p: lxml.html.fromstring(data) for p, data in site.items() if p.endswith(".html")}


def test_no_link_attribute_or_handler_comes_from_a_name(site: dict[str, bytes]) -> None:
    for path, page in _pages(site).items():
        for el in page.iter():
            if not isinstance(el.tag, str):
                continue
            assert not [a for a in el.attrib if a.startswith("on")], (path, el.tag, dict(el.attrib))
            for name in ("href", "src", "srcset", "action"):
                value = el.get(name, "")
                assert "evil.example" not in value and not value.lower().startswith("javascript:"), (path, value)
    for path, data in site.items():
        if path.endswith((".xml", ".json")):
            assert not re.search(rb"(?:href|src)=\\?\"[^\"]*evil\.example", data), path


def test_the_themes_own_ids_and_classes_are_not_hijacked(site: dict[str, bytes]) -> None:
    for path, page in _pages(site).items():
        assert len(page.xpath('//*[@id="__drawer"]')) <= 1, path
        assert not page.xpath('//article//*[contains(@class, "md-button") and not(self::a)]'), path


def test_names_and_titles_read_exactly_as_written(site: dict[str, bytes]) -> None:
    board = _pages(site)["towns/east-town/pine/index.html"]
    text = board.text_content()
    assert "松园[点我领奖](https://evil.example/win){: onclick=alert(1) }" in text
    assert "**助餐** `x` {: #__drawer .md-button} ![图](https://evil.example/p.png)" in text
    assert "# 松园 <b>红色</b> | 花园 [x][1]" in text
    markup = "//article//strong[.='助餐'] | //article//b[.='红色'] | //article//img[contains(@src, 'evil')]"
    assert not board.xpath(markup)
    honours = _pages(site)["honours/index.html"].text_content()
    assert "2026年度[先进](javascript:alert(1))社区" in honours
    feed = site["feed.xml"].decode("utf-8")
    assert "<a " not in feed and "2026年度[先进](javascript:alert(1))社区" in feed


def test_a_line_break_in_a_single_line_field_is_an_error(tmp_path: Path) -> None:
    project = copy_project(TRUST, tmp_path / "p", {f"{PINE}/pledges.yml": lambda text: text.replace(
        "title: 为高龄老人提供养老助餐服务", 'title: "为高龄老人提供养老助餐服务\\n# 假标题"', 1)})
    result = cli("check", "-p", str(project), "--as-of", AS_OF_ARG)
    assert result.exit_code == 1
    assert (f"错误：{PINE}/pledges.yml:5: 承诺[0].承诺事项(title): 这一项只能写一行文字"
            "（提示：去掉换行；YAML 中用 > 或 | 开头的多行写法会保留换行）") in result.stderr.splitlines()
