"""The build's frozen heap: settled objects stay frozen while pools come and go, and nothing stays frozen after."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support import TRUST, copy_project
from trust_util import build

from generator import heap
from generator.engine import mkdocs_adapter


@pytest.fixture(autouse=True)
def clean_heap() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()
    gc.enable()


def test_a_pool_inside_the_build_leaves_the_settled_objects_frozen() -> None:
    with heap.kept():
        heap.settle()
        settled = gc.get_freeze_count()
        assert settled > 0
        with heap.frozen():
            assert gc.get_freeze_count() >= settled
        assert gc.get_freeze_count() >= settled  # the pool's end did not unfreeze the build's objects
    assert gc.get_freeze_count() == 0


def test_a_pool_outside_a_build_unfreezes_at_its_end() -> None:
    with heap.frozen():
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0


def test_settling_outside_a_build_freezes_nothing() -> None:
    heap.settle()
    with heap.paused():
        pass
    assert gc.get_freeze_count() == 0


def test_collection_is_paused_inside_and_as_before_after() -> None:
    with heap.paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    with heap.paused():
        pass
    assert not gc.isenabled()  # it was off before: left off


def test_the_end_of_a_failing_scope_unfreezes_too() -> None:
    with pytest.raises(RuntimeError), heap.kept():
        heap.settle()
        raise RuntimeError
    assert gc.get_freeze_count() == 0


def test_a_build_settles_its_data_before_the_engine_and_leaves_nothing_frozen(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []
    real = mkdocs_adapter.build_site

    def build_site(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.get_freeze_count())
        return real(*args, **kwargs)

    monkeypatch.setattr(mkdocs_adapter, "build_site", build_site)
    project = copy_project(TRUST, tmp_path / "project")
    assert build(project, tmp_path / "site").exit_code == 0
    assert len(seen) == 1 and seen[0] > 0  # the scored district is out of the collector's walks
    assert gc.get_freeze_count() == 0  # and back in them once the build is over


def test_the_scored_district_is_freed_before_the_engine_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine gets what it reads of the district (``EngineInput``), and the build lets the district go: its
    records and results are not held while MkDocs and the output check run, not even by the render's garbage
    (templates' contexts are reference cycles: collected before the heap is frozen)."""
    import weakref

    from generator import pipeline

    districts: list[weakref.ref[Any]] = []
    real_run, real_build = pipeline.run, mkdocs_adapter.build_site

    def run(*args: Any, **kwargs: Any) -> Any:
        result = real_run(*args, **kwargs)
        districts.append(weakref.ref(result.context.district))
        return result

    alive: list[bool] = []

    def build_site(site: Any, *args: Any, **kwargs: Any) -> Any:
        assert isinstance(site, mkdocs_adapter.EngineInput)
        alive.append(districts[-1]() is not None)
        return real_build(site, *args, **kwargs)

    monkeypatch.setattr("generator.build.run", run)
    monkeypatch.setattr(mkdocs_adapter, "build_site", build_site)
    project = copy_project(TRUST, tmp_path / "project")
    for _ in range(2):  # the second build in this process too (its render's garbage is not collected by itself)
        assert build(project, tmp_path / "site").exit_code == 0
    assert alive == [False, False]


def test_settle_can_free_cycles_first() -> None:
    class Node:
        other: Any = None

    with heap.kept():
        heap.settle()
        for collect, expect_alive in ((False, True), (True, False)):
            import weakref

            a, b = Node(), Node()
            a.other, b.other = b, a
            ref = weakref.ref(a)
            del a, b
            heap.settle(collect=collect)
            assert (ref() is not None) is expect_alive
