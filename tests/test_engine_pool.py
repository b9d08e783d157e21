"""The engine's page stage on forked workers (issue 14): runs of pages, search entries and log in page
order, and a failure that leaves the pages to a serial build.  The whole-build byte identity with a
serial build is ``tests/test_reproducible.py``."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from generator.engine import mkdocs_pool


@dataclass
class FakePage:
    content: str


@dataclass
class FakeInclusion:
    def is_excluded(self) -> bool:
        return False


@dataclass
class FakeFile:
    src_uri: str
    page: FakePage
    inclusion: FakeInclusion = field(default_factory=FakeInclusion)


@dataclass
class FakeIndex:
    entries: list[Any] = field(default_factory=list)


def _files(sizes: list[int]) -> list[FakeFile]:
    return [FakeFile(f"p{i}.md", FakePage("x" * size)) for i, size in enumerate(sizes)]


def test_runs_cover_every_page_once_in_order_and_in_shares_of_about_equal_size() -> None:
    files = _files([100] * 40)
    spans = mkdocs_pool.runs(files, 4)
    assert spans == [(0, 10), (10, 20), (20, 30), (30, 40)]
    uneven = mkdocs_pool.runs(_files([1000, 10, 10, 10, 10, 1000, 10]), 3)
    assert [i for start, end in uneven for i in range(start, end)] == list(range(7))
    assert len(uneven) <= 3
    assert mkdocs_pool.runs(_files([5]), 8) == [(0, 1)]


def _job(tmp_path: Path, files: list[FakeFile], index: FakeIndex, fail_on: str = "") -> mkdocs_pool._Job:
    def build_page(page: FakePage, out: Path, *args: Any, excluded: bool = False) -> None:
        name = next(f.src_uri for f in files if f.page is page)
        if name == fail_on:
            raise RuntimeError("broken page")
        (out / name).write_text(page.content, encoding="utf-8")
        index.entries.append({"location": name})
        logging.getLogger("mkdocs.commands.build").warning("checked %s", name)

    return mkdocs_pool._Job(build_page, files, (tmp_path,), index)


def test_workers_write_the_pages_and_the_parent_keeps_entries_and_log_in_page_order(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    files = _files([30, 10, 50, 20, 40, 10, 10, 60, 5])
    index = FakeIndex()
    told: list[int] = []
    with caplog.at_level(logging.WARNING, logger="mkdocs"):
        assert mkdocs_pool._in_pool(_job(tmp_path, files, index), 2, told.append)
    names = [f.src_uri for f in files]
    assert index.entries == [{"location": n} for n in names]
    assert [r.getMessage() for r in caplog.records] == [f"checked {n}" for n in names]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)
    assert told[-1] == len(files) and told == sorted(told)


def test_a_page_that_fails_on_a_worker_leaves_every_page_to_the_serial_build(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    files = _files([10] * 12)
    index = FakeIndex()
    with caplog.at_level(logging.WARNING, logger="mkdocs"):
        assert not mkdocs_pool._in_pool(_job(tmp_path, files, index, fail_on="p7.md"), 2, None)
    assert index.entries == []  # nothing of the pool's work is kept
    assert caplog.records == []  # the serial build logs (and raises) what failed


def test_one_worker_or_another_thread_means_mkdocs_builds_as_always(monkeypatch: pytest.MonkeyPatch) -> None:
    from mkdocs.commands import build as mk_build

    original = mk_build._build_page
    with mkdocs_pool.pages_on_workers(1):
        assert mk_build._build_page is original
    monkeypatch.setattr(mkdocs_pool.threading, "active_count", lambda: 2)
    with mkdocs_pool.pages_on_workers(2):
        assert mk_build._build_page is original
    monkeypatch.setattr(mkdocs_pool.threading, "active_count", lambda: 1)
    with mkdocs_pool.pages_on_workers(2):
        assert mk_build._build_page is not original
    assert mk_build._build_page is original


def test_progress_from_the_pool_is_told_at_the_serial_builds_steps() -> None:
    from generator.engine import mkdocs_adapter

    told: list[int] = []
    tell = mkdocs_adapter._every(told.append)
    assert tell is not None
    for done in (245, 499, 500, 700, 1957):
        tell(done)
    assert told == [500, 1000, 1500]
    assert mkdocs_adapter._every(None) is None
