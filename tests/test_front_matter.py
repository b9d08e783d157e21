"""Pages' front matter parsed once and kept between builds (``engine/mkdocs_front_matter.py``, issue 14): the
memo gives exactly what MkDocs's parser gives, and parses only the texts it does not hold."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from mkdocs.utils import meta

from generator.engine.mkdocs_front_matter import front_matter_memo

DOCS = [
    "---\ntitle: 甲社区\nhide:\n  - navigation\n  - toc\n---\n\n# 正文\n",
    "---\ntitle: 乙\nsearch:\n  exclude: yes\nn: 3\nx: 1.5\nnone: ~\n...\n正文\n",  # YAML 1.1: yes is true
    "---\n{}\n---\n正文\n",  # an empty mapping: the front matter is removed
    "---\n- a\n- b\n---\n正文\n",  # not a mapping: no data, the text stays
    "---\ntitle: [unclosed\n---\n正文\n",  # a parse error: no data, the text stays
    "---\ndate: 2026-06-30\n---\n正文\n",  # a date
    "title: MultiMarkdown\n\n正文\n",  # no YAML delimiters
    "# 没有前言\n",
]


def _parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = yaml.load

    def counted(stream: Any, loader: Any) -> Any:
        calls.append(stream)
        return real(stream, loader)

    monkeypatch.setattr(meta.yaml, "load", counted)
    return calls


def test_the_memo_gives_what_mkdocs_gives_and_parses_each_plain_text_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = [meta.get_data(doc) for doc in DOCS]
    assert expected[5][1] == {"date": dt.date(2026, 6, 30)} and expected[1][1]["search"] == {"exclude": True}
    parses = _parses(monkeypatch)
    with front_matter_memo(tmp_path):  # the first build: everything parsed
        assert [meta.get_data(doc) for doc in DOCS] == expected
    assert len(parses) == 6
    parses.clear()
    with front_matter_memo(tmp_path):  # the next: only what was not kept
        got = [meta.get_data(doc) for doc in DOCS]
        assert got == expected
        got[0][1]["hide"].append("changed")  # each call has its own copy
        assert meta.get_data(DOCS[0]) == expected[0]
    assert sorted(parses) == sorted(["{}\n", "- a\n- b\n", "title: [unclosed\n", "date: 2026-06-30\n"])
    assert meta.get_data.__module__ == "mkdocs.utils.meta" and meta.get_data(DOCS[0]) == expected[0]  # put back


def test_without_a_cache_folder_nothing_is_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parses = _parses(monkeypatch)
    for _ in range(2):
        with front_matter_memo(None):
            meta.get_data(DOCS[0])
    assert len(parses) == 2 and not list(tmp_path.iterdir())


def test_the_generated_pages_front_matter_is_all_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What our templates write (a board's ``lastmod`` quoted: a string, not a YAML date) is plain data, so a
    warm build parses none of it (the golden pages stand for every generated page)."""
    pages = sorted(Path(__file__).parent.joinpath("golden").rglob("*.md"))
    docs = [p.read_text(encoding="utf-8") for p in pages]
    assert any("\nlastmod: " in doc for doc in docs)
    with front_matter_memo(tmp_path):
        first = [meta.get_data(doc) for doc in docs]
    parses = _parses(monkeypatch)
    with front_matter_memo(tmp_path):
        assert [meta.get_data(doc) for doc in docs] == first
    assert parses == []
