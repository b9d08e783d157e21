"""The URL scheme (generator/urls.py) is the only place addresses are made: every output fits it."""

from __future__ import annotations

import posixpath
import re
import subprocess
from functools import lru_cache

import pytest
from support import AS_OF, REPO

from generator import urls
from generator.pages.output import Output
from generator.pipeline import run

HREF = re.compile(r'(?:href|src)="([^"#:]*)(?:#[^"]*)?"')


@lru_cache(maxsize=1)
def sample_output() -> Output:
    result = run(REPO, AS_OF)
    assert result.output is not None, [str(e) for e in result.log]
    return result.output


def content_pages() -> set[str]:
    return {p.relative_to(REPO / "content").as_posix() for p in (REPO / "content").rglob("*.md")}


def test_every_generated_page_is_an_entry_of_the_scheme_or_a_content_page() -> None:
    output = sample_output()
    strays = [p for p in output.pages
              if urls.page_kind(p) is None and p not in content_pages() and p != urls.DATA_SOURCE]
    assert strays == []


def test_every_generated_file_is_an_entry_of_the_scheme() -> None:
    assert [f for f in sample_output().files if urls.file_kind(f) is None] == []


def test_the_sample_site_uses_every_entry_of_the_scheme() -> None:
    """A pattern no producer writes is dead (or a producer builds that address by hand)."""
    output = sample_output()
    assert {urls.page_kind(p) for p in output.pages} - {None} == set(urls.PAGES)
    assert {urls.file_kind(f) for f in output.files} - {None} == set(urls.FILES)


def _target(page: str, href: str) -> str:
    """Site-relative address of ``href`` written on the page whose source is ``page``."""
    base = posixpath.dirname(page) if page.endswith("index.md") else posixpath.splitext(page)[0]
    joined = posixpath.normpath(posixpath.join(base, href)) if href else base
    if joined in ("", "."):
        return ""
    return joined + ("/" if href.endswith("/") or not href else "")


def test_every_link_between_generated_pages_points_at_an_address_of_the_scheme() -> None:
    output = sample_output()
    generated = {p for p in output.pages if p not in content_pages()}
    checked = 0
    wrong = []
    for page in sorted(generated):
        for href in HREF.findall(output.pages[page]):
            target = _target(page, href)
            if target.endswith("/") or target == "":
                ok = urls.page_kind(urls.source(target)) is not None or target == urls.DATA or (
                    posixpath.join(target.rstrip("/")) + ".md") in content_pages()
            else:
                ok = urls.file_kind(target) is not None or target.startswith("assets/")
            checked += 1
            if not ok:
                wrong.append(f"{page}: {href} -> {target}")
    assert wrong == []
    assert checked > 500  # the walk really saw the site's links


@pytest.mark.parametrize(("page", "href", "target"), [
    ("towns/a/b/index.md", "../../../brands/x/", "brands/x/"),
    ("towns/a/b/index.md", "qr.svg", "towns/a/b/qr.svg"),
    ("index.md", "", ""),
    ("data.md", "../data/scores.csv", "data/scores.csv"),
])
def test_link_targets_are_resolved_like_a_browser_does(page: str, href: str, target: str) -> None:
    assert _target(page, href) == target


HAND_BUILT = re.compile(
    r"""["'](?:towns|brands|ranking|rubric|pledges|screen|honours|changes|media|data)/"""
    r"""|f["'](?:towns|brands|ranking|rubric|pledges|screen|honours|changes|media|data)/"""
    r"""|\{\{ root \}\}(?:towns|brands|ranking|rubric|pledges|screen|honours|changes|media|data|feed)"""
    r"""|["']feed\.xml["']|["'](?:[a-z/{}.]*/)?index\.md["']""")


def test_no_address_is_built_by_hand_outside_the_url_module() -> None:
    files = subprocess.run(["git", "ls-files", "generator", "theme"], cwd=REPO, capture_output=True, text=True,
                           check=True).stdout.split()
    found = []
    for rel in files:
        if rel == "generator/urls.py" or rel.startswith("generator/data/") or not rel.endswith((".py", ".j2", ".html")):
            continue
        for n, line in enumerate((REPO / rel).read_text(encoding="utf-8").splitlines(), start=1):
            code = line.split("#", 1)[0] if rel.endswith(".py") else line
            if HAND_BUILT.search(code) and '"""' not in code and "``" not in code:
                found.append(f"{rel}:{n}: {line.strip()}")
    assert found == []


def test_the_guard_above_would_see_a_hand_built_address() -> None:
    assert HAND_BUILT.search('page = f"towns/{town.id}/index.md"')
    assert HAND_BUILT.search('<a href="{{ root }}brands/{{ b.id }}/">')
    assert HAND_BUILT.search('output.add_file("data/scores.csv", data)')
    assert not HAND_BUILT.search('page = urls.source(urls.town(town.id))')
