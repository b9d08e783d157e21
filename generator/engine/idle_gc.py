"""Garbage collection between the preview's rebuilds, not during them.

``dangjian serve`` keeps the last run's records, scores and pages (hundreds of thousands of objects at 200
communities).  Python's collector walks all of them whenever enough new objects survive, and a rebuild
makes that many: measured at 200 communities, collections took 0.3 s of a 1.65 s data pipeline, time the
person who saved the file waits for.  So a rebuild after an edit runs with automatic collection paused,
and a full collection runs once the preview has been idle for :data:`IDLE_SECONDS` (a new rebuild
starting first puts it off again).  Reference counting frees most objects as usual while collection is
paused; only reference cycles wait, for seconds.  A full rebuild (the first, or one after the navigation
changed) runs with collection on: it is long, and makes a whole site of objects.
"""

from __future__ import annotations

import gc
import threading

IDLE_SECONDS = 1.0


class IdleCollector:
    def __init__(self, idle: float = IDLE_SECONDS) -> None:
        self.idle = idle
        self._lock = threading.Lock()
        self._busy = False
        self._timer: threading.Timer | None = None

    def pause(self) -> None:
        """A rebuild starts: no automatic collection until it ends."""
        with self._lock:
            self._cancel()
            self._busy = True
            gc.disable()

    def resume_later(self) -> None:
        """The rebuild ended: collect once the preview has been idle for ``idle`` seconds."""
        with self._lock:
            self._cancel()
            self._busy = False
            if not gc.isenabled():
                self._timer = threading.Timer(self.idle, self._collect)
                self._timer.daemon = True
                self._timer.start()

    def resume_now(self) -> None:
        """Automatic collection on again at once (a full rebuild, a failed one, the preview stopping)."""
        with self._lock:
            self._cancel()
            self._busy = False
            gc.enable()

    def _cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _collect(self) -> None:
        with self._lock:
            if self._busy or self._timer is not threading.current_thread():  # a rebuild started, or this
                return  # timer was cancelled or replaced meanwhile
            self._timer = None
            gc.enable()
        gc.collect()
