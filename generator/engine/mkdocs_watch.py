"""How ``dangjian serve`` notices a saved file: MkDocs's live-reload server, told sooner.

MkDocs polls the watched folders (every 0.5 s, then 0.1 s for the writes of a save to settle).  On Linux
the kernel tells the preview instead (inotify, through watchdog's native observer): no polling while
idle, and a save is seen at once.  Where inotify is refused (its watch limit, some network and
container file systems: tried once at start) and on other systems the server polls, as often as costs
at most WATCH_SHARE of one core.
"""

from __future__ import annotations

import sys
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


CHANGES = frozenset({"created", "modified", "moved", "deleted"})  # not "opened"/"closed": the build reads files


def native_observer(folders: list[Path]) -> type[Any] | None:
    """watchdog's inotify observer class when it can watch ``folders`` here (Linux); None otherwise.

    inotify also reports a file being opened and closed, and the rebuild itself reads the records and
    ``content/``: the observer passes on only what changes a file (MkDocs rebuilds on any event)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers.inotify import InotifyObserver
    except ImportError:
        return None

    class Changes(FileSystemEventHandler):
        def __init__(self, handler: Any) -> None:
            self.handler = handler

        def dispatch(self, event: Any) -> None:
            if event.event_type in CHANGES:
                self.handler.dispatch(event)

    class ChangesObserver(InotifyObserver):  # type: ignore[misc]
        def schedule(self, event_handler: Any, path: str, *args: Any, **kwargs: Any) -> Any:
            return super().schedule(Changes(event_handler), path, *args, **kwargs)

    trial = ChangesObserver()
    try:
        for folder in folders:
            if folder.is_dir():
                trial.schedule(FileSystemEventHandler(), str(folder), recursive=True)
        trial.start()
    except OSError:  # no inotify here, or its watch limit is reached
        return None
    finally:
        if trial.is_alive():
            trial.stop()
            trial.join()
    return ChangesObserver


def quick_server(base: type[Any], interval: float, native: type[Any] | None = None) -> type[Any]:
    """MkDocs's live-reload server, told of changes by ``native`` (an observer class) or polling every
    ``interval`` seconds, and settling for SETTLE_SECONDS."""

    class QuickServer(base):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, polling_interval=interval, **kwargs)
            self.build_delay = SETTLE_SECONDS
            if native is not None:  # before the server's watch() calls schedule anything
                self.observer = native()

    return QuickServer
