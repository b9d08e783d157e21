"""Pieces of pages kept by what they show (``pages/fragments.py``, issue 14): the item pages' rows.

After one community changed, a build renders again only the rows of the item pages that show it (one per item),
takes the others from the last build's, and gives the same bytes as a build without any cache.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from support import AS_OF_ARG, cli, synthetic_project
from trust_util import tree

from generator import cache
from generator.pages import fragments, scores
from generator.pages.fragments import Fragments


def test_pieces_kept_by_one_render_are_found_by_the_next_in_another_process(tmp_path: Path) -> None:
    first = Fragments("rows")
    first.start(tmp_path)
    for key, text in (((1, "甲", Fraction(1, 2)), "<li>甲</li>"), ((1, "乙", Fraction(1)), "<li>乙</li>")):
        assert first.piece(key, lambda text=text: text) == text
    assert first.rendered == 2
    first.finish(tmp_path)
    again = Fragments("rows")  # a new build: nothing in memory
    again.start(tmp_path)
    assert again.piece((1, "甲", Fraction(1, 2)), lambda: "new") == "<li>甲</li>" and again.rendered == 0
    assert again.piece((1, "甲", "1/2"), lambda: "new") == "new"  # another value that prints alike is another key
    assert again.piece((1, "乙", 1), lambda: "new") == "new"  # an int is not the fraction 1/1
    other = Fragments("other rows")
    other.start(tmp_path)
    assert other.piece((1, "乙", Fraction(1)), lambda: "new") == "new"  # another kind of piece


def test_another_version_of_the_code_finds_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = Fragments("rows")
    first.start(tmp_path)
    first.piece(("k",), lambda: "<li>old</li>")
    first.finish(tmp_path)
    monkeypatch.setattr(fragments, "package_version", lambda: "another")
    again = Fragments("rows")
    again.start(tmp_path)
    assert again.piece(("k",), lambda: "<li>new</li>") == "<li>new</li>"


def test_only_the_last_render_s_pieces_are_kept(tmp_path: Path) -> None:
    first = Fragments("rows")
    first.start(tmp_path)
    for name in ("a", "b"):
        first.piece((name,), lambda name=name: name)
    first.finish(tmp_path)
    second = Fragments("rows")
    second.start(tmp_path)
    assert second.piece(("a",), lambda: "new") == "a"  # b is not shown any more
    second.finish(tmp_path)
    third = Fragments("rows")
    third.start(tmp_path)
    assert third.piece(("a",), lambda: "new") == "a" and third.piece(("b",), lambda: "new") == "new"


def _build(project: Path, out: Path, env: dict[str, str] | None = None) -> dict[str, bytes]:
    result = cli("build", "-p", str(project), "--as-of", AS_OF_ARG, "-o", str(out), env=env)
    assert result.exit_code == 0, result.output
    return tree(out)


def _new_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """No rows in memory, as in a new build."""
    monkeypatch.setattr(scores, "_ITEM_ROWS", Fragments("rubric-item-rows"))
    monkeypatch.setattr(scores, "_RANKING_ROWS", Fragments("ranking-rows"))


def test_a_build_renders_again_only_the_rows_of_the_community_that_changed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(cache.DISABLE, raising=False)
    monkeypatch.setenv("DANGJIAN_WORKERS", "1")  # the item pages in this process, where their rows are counted
    project = synthetic_project(tmp_path / "project", 6, 3)
    _new_process(monkeypatch)
    first = _build(project, tmp_path / "first")
    rows, ranked = scores._ITEM_ROWS, scores._RANKING_ROWS
    assert rows.rendered == len(rows.last) >= 2 * 23  # every row of every item page rendered once
    assert ranked.rendered == len(ranked.last) >= 2 * 2  # and of every ranking table
    scored = sorted(p.removeprefix("towns/").removesuffix("/score/index.html") for p in first
                    if p.startswith("towns/") and p.endswith("/score/index.html"))
    profile = project / "communities" / scored[-1] / "profile.yml"
    text = profile.read_text(encoding="utf-8")
    edited = "\n".join(f"{line}改" if line.startswith("name: ") else line for line in text.splitlines()) + "\n"
    assert edited != text
    profile.write_text(edited, encoding="utf-8")
    _new_process(monkeypatch)
    site = _build(project, tmp_path / "second")
    items = {p for p in site if p.startswith("rubric/items/") and p.endswith("/index.html")}
    assert scores._ITEM_ROWS.rendered == len(items)  # its row on each item page, nothing else
    name = next(line for line in edited.splitlines() if line.startswith("name: "))[len("name: "):]
    shown = sum(data.decode().count(f">{name}</a>") for p, data in site.items()
                if p.startswith("ranking/") and p.endswith(".html"))
    assert shown >= 2 and scores._RANKING_ROWS.rendered == shown  # its rows in the district's and town's tables
    _new_process(monkeypatch)
    plain = _build(project, tmp_path / "plain", env={cache.DISABLE: "1"})
    assert scores._ITEM_ROWS.rendered == len(scores._ITEM_ROWS.last)  # without the cache: every row rendered
    assert [p for p in sorted(set(site) | set(plain)) if site.get(p) != plain.get(p)] == []
