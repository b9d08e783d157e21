"""How often the preview looks for saved files: often, but never more than a small share of a core."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from mkdocs.livereload import LiveReloadServer
from support import REPO

from generator.engine import mkdocs_watch
from generator.engine.mkdocs_watch import native_observer, poll_interval, quick_server


def test_a_small_project_is_polled_at_the_shortest_interval() -> None:
    assert poll_interval(REPO) == mkdocs_watch.POLL_SECONDS[0]


def test_a_project_slow_to_look_at_is_polled_less_often(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "communities").mkdir()
    monkeypatch.setattr(mkdocs_watch, "WATCH_SHARE", 1e-9)  # as if one look took a long time
    assert poll_interval(tmp_path) == mkdocs_watch.POLL_SECONDS[1]


def test_the_server_polls_at_the_interval_and_settles_quickly(tmp_path: Path) -> None:
    server = quick_server(LiveReloadServer, 0.3)(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    try:
        assert server.observer.timeout == 0.3
        assert server.build_delay == mkdocs_watch.SETTLE_SECONDS
    finally:
        server.server_close()


def test_on_linux_the_kernel_tells_the_server_of_saved_files(tmp_path: Path) -> None:
    (tmp_path / "communities").mkdir()
    native = native_observer([tmp_path / "communities"])
    if not sys.platform.startswith("linux"):
        assert native is None
        return
    assert native is not None
    server = quick_server(LiveReloadServer, 0.3, native)(builder=lambda: None, host="127.0.0.1", port=0,
                                                         root=str(tmp_path))
    try:
        assert isinstance(server.observer, native)
        assert server.build_delay == mkdocs_watch.SETTLE_SECONDS
    finally:
        server.server_close()


def test_reading_a_file_is_no_change_and_writing_one_is(tmp_path: Path) -> None:
    """The rebuild reads the records and content/: a read must not ask for another rebuild."""
    import threading

    from watchdog.events import FileSystemEventHandler

    folder = tmp_path / "content"
    folder.mkdir()
    page = folder / "about.md"
    page.write_text("关于", encoding="utf-8")
    native = native_observer([folder])
    if native is None:
        pytest.skip("no inotify here: the server polls")
    seen: list[str] = []
    written = threading.Event()
    handler = FileSystemEventHandler()
    handler.on_any_event = lambda event: (seen.append(event.event_type), written.set())  # type: ignore[method-assign]
    observer = native()
    observer.schedule(handler, str(folder), recursive=True)
    observer.start()
    try:
        page.read_text(encoding="utf-8")
        assert not written.wait(0.5)
        page.write_text("关于本站", encoding="utf-8")
        assert written.wait(5)
    finally:
        observer.stop()
        observer.join()
    assert set(seen) <= {"created", "modified", "moved", "deleted"} and "modified" in seen
