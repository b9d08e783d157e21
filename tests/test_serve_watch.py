"""How often the preview looks for saved files: often, but never more than a small share of a core."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs.livereload import LiveReloadServer
from support import REPO

from generator.engine import mkdocs_watch
from generator.engine.mkdocs_watch import poll_interval, quick_server


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
