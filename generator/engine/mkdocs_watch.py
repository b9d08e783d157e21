"""How ``dangjian serve`` notices a saved file: MkDocs's live-reload server, polling sooner."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

# How often the preview server looks for changed files.  MkDocs polls every 0.5 s and then waits 0.1 s
# for the writes of one save to settle: on average a third of the 2 s an edit may take to reach the
# browser.  Here it polls as often as costs at most WATCH_SHARE of one core while idle (a look at 200
# communities' folders takes about 10 ms), between POLL_SECONDS, and settles for SETTLE_SECONDS (an
# editor's save is a few writes within milliseconds).
POLL_SECONDS = (0.2, 1.0)
WATCH_SHARE = 0.05
SETTLE_SECONDS = 0.05


def poll_interval(project: Path) -> float:
    """Seconds between two looks for changed files: the time one look takes (the faster of two: the first
    may read the folders from disk), times 1 / WATCH_SHARE."""
    from watchdog.utils.dirsnapshot import DirectorySnapshot

    looks = []
    for _ in range(2):
        started = time.perf_counter()
        for folder in (project / "communities", project / "content"):
            if folder.is_dir():
                DirectorySnapshot(str(folder))
        looks.append(time.perf_counter() - started)
    low, high = POLL_SECONDS
    return min(max(min(looks) / WATCH_SHARE, low), high)


def quick_server(base: type[Any], interval: float) -> type[Any]:
    """MkDocs's live-reload server, polling every ``interval`` seconds and settling for SETTLE_SECONDS."""

    class QuickServer(base):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, polling_interval=interval, **kwargs)
            self.build_delay = SETTLE_SECONDS

    return QuickServer
