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


@dataclass(eq=False)  # hashable, as MkDocs's File (links to anchors are keyed by file)
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


@dataclass
class FakeRenderedPage:
    markdown: str
    content: str | None = None
    present_anchor_ids: set[str] | None = None
    links_to_anchors: dict[Any, dict[str, str]] | None = None
    _title_from_render: str | None = None


def test_pages_left_for_the_workers_are_rendered_there_and_the_parent_keeps_only_their_anchors(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    files = [FakeFile(f"p{i}.md", FakeRenderedPage(f"# T{i}\n" + "x" * 10 * (i + 1)))  # type: ignore[arg-type]
             for i in range(6)]
    index = FakeIndex()

    def render(page: FakeRenderedPage) -> None:
        name = next(f.src_uri for f in files if f.page is page)
        page.content = f"<h1 id='t'>{page.markdown}</h1>"
        page.present_anchor_ids = {"t", f"a-{name}"}
        page.links_to_anchors = {files[0]: {"t": "p0.md#t"}}
        page._title_from_render = f"title of {name}"
        logging.getLogger("mkdocs.structure.pages").warning("read %s", name)

    def build_page(page: FakeRenderedPage, out: Path, *args: Any, excluded: bool = False) -> None:
        name = next(f.src_uri for f in files if f.page is page)
        assert page.content is not None  # rendered on this worker before its template
        (out / name).write_text(page.content, encoding="utf-8")
        logging.getLogger("mkdocs.commands.build").warning("built %s", name)

    deferred = {f.src_uri: len(f.page.markdown) for f in files[1:]}  # type: ignore[attr-defined]  # p0.md: parent
    files[0].page.content = "<p>parent</p>"  # type: ignore[attr-defined]
    job = mkdocs_pool._Job(build_page, files, (tmp_path,), index, render, deferred)  # type: ignore[arg-type]
    with caplog.at_level(logging.WARNING, logger="mkdocs"):
        assert mkdocs_pool._in_pool(job, 2, None)
    names = [f.src_uri for f in files]
    # the Markdown pass's records first, then the template pass's, each in page order (as a serial build)
    assert [r.getMessage() for r in caplog.records] == [f"read {n}" for n in names[1:]] + [
        f"built {n}" for n in names]
    assert (tmp_path / "p3.md").read_text(encoding="utf-8") == f"<h1 id='t'>{files[3].page.markdown}</h1>"
    for f in files[1:]:
        page = f.page
        assert page.content is None  # the HTML stayed on the worker
        assert page.present_anchor_ids == {"t", f"a-{f.src_uri}"}
        assert page.links_to_anchors == {files[0]: {"t": "p0.md#t"}}
        assert page._title_from_render == f"title of {f.src_uri}"
    assert files[0].page.present_anchor_ids is None  # type: ignore[attr-defined]


@dataclass
class NavPage:
    parent: Any = None
    previous_page: Any = None
    next_page: Any = None


def test_a_page_is_left_for_its_worker_only_when_its_title_does_not_need_its_html() -> None:
    assert mkdocs_pool._title_known(FakeFile("new.md", None))  # type: ignore[arg-type]  # outside the nav
    assert mkdocs_pool._title_known(FakeFile("alone.md", NavPage()))  # type: ignore[arg-type]
    listed = NavPage(previous_page=object())
    assert not mkdocs_pool._title_known(FakeFile("listed.md", listed))  # type: ignore[arg-type]
    listed.title = "从导航给出的标题"  # type: ignore[attr-defined]
    assert mkdocs_pool._title_known(FakeFile("listed.md", listed))  # type: ignore[arg-type]


def test_the_markdown_pass_is_patched_for_the_build_only(monkeypatch: pytest.MonkeyPatch) -> None:
    from mkdocs.commands import build as mk_build

    original = mk_build._populate_page
    monkeypatch.setattr(mkdocs_pool.threading, "active_count", lambda: 1)
    with mkdocs_pool.pages_on_workers(2):
        assert mk_build._populate_page is not original
    assert mk_build._populate_page is original
    with mkdocs_pool.pages_on_workers(1):
        assert mk_build._populate_page is original


def test_runs_of_pages_left_for_the_workers_are_sized_by_their_markdown() -> None:
    files = _files([0] * 8)  # no HTML in this process
    assert mkdocs_pool.runs(files, 2) == [(0, 4), (4, 8)]
    deferred = {f.src_uri: 300 if i < 4 else 100 for i, f in enumerate(files)}  # the first four 3x longer
    assert mkdocs_pool.runs(files, 2, deferred) == [(0, 3), (3, 8)]


def test_a_page_whose_front_matter_cannot_be_read_here_gets_mkdocss_own_pass(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The parent's short read failing is not the build failing: MkDocs's own first pass decides."""
    from mkdocs.commands import build as mk_build

    passes: list[str] = []
    monkeypatch.setattr(mk_build, "_populate_page", lambda page, *a, **k: passes.append(page.file.src_uri))
    monkeypatch.setattr(mkdocs_pool.threading, "active_count", lambda: 1)

    class Broken:
        file = FakeFile("broken.md", None)  # type: ignore[arg-type]
        markdown = None

        def read_source(self, config: Any) -> None:
            raise OSError("unreadable")

    class Files:
        def documentation_pages(self) -> list[FakeFile]:
            return [FakeFile("broken.md", None)]  # type: ignore[arg-type]

    with mkdocs_pool.pages_on_workers(2):
        mk_build._populate_page(Broken(), object(), Files())
    assert passes == ["broken.md"]
