"""The build's long-lived objects and Python's garbage collector.

A build of a city-sized district keeps millions of objects alive to its end (records, results, the rendered
pages' index, MkDocs's pages).  Python's collector walks every live object again each time enough new ones
have survived, so at 2,000 communities a build spent ~11 s in it, and found almost nothing: reference
counting frees what is dropped.  ``gc.freeze()`` moves every object alive now out of the collector's sight
until ``gc.unfreeze()``; objects made afterwards are collected as usual.

The build uses it in two ways, which must not undo each other:

* :func:`kept` marks the build: inside it, :func:`settle` freezes what is alive once a stage has made
  objects that live to the end (the scored district, the rendered pages); the outermost :func:`kept`
  unfreezes when it ends, so the next build in the same process (the preview, the tests) starts clean;
* :func:`paused` turns automatic collection off while a stage makes many objects that live on (reference
  counting still frees what is dropped; only reference cycles wait for the collector, which runs again
  afterwards) and, inside :func:`kept`, freezes them at its end;
* :func:`frozen` freezes the heap while a pool of workers is forked from it, so the workers' collectors
  do not touch (and copy) the memory they share with this process; it unfreezes at its end only when no
  outer scope is open (before, each pool unfroze everything, the build's settled objects included).

Reference cycles made before a :func:`settle` and dropped after it are freed only when the build ends.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0


@contextmanager
def kept() -> Iterator[None]:
    """A scope in which frozen objects stay frozen; the outermost one unfreezes them at its end."""
    global _depth
    with _lock:
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                gc.unfreeze()


@contextmanager
def frozen() -> Iterator[None]:
    """Every object alive now frozen for the scope (e.g. while a pool of workers is forked)."""
    with kept():
        gc.freeze()
        yield


def settle(collect: bool = False) -> None:
    """Freeze every object alive now, inside a :func:`kept` scope (outside one it does nothing).

    ``collect``: first free the reference cycles made since the last freeze (only the objects made since are
    walked: ~10 ms after the render at 2,000 communities), so that garbage is not frozen with what lives on; a
    template's render context is such a cycle, and it holds the records the template read."""
    with _lock:
        if _depth:
            if collect:
                gc.collect()
            gc.freeze()


@contextmanager
def paused() -> Iterator[None]:
    """Automatic collection off for the scope; what it made is then settled (see :func:`settle`)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        settle()
        if enabled:
            gc.enable()
