"""The preview pauses automatic garbage collection during a rebuild and collects once it has been idle."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator

import pytest

from generator.engine.idle_gc import IdleCollector


@pytest.fixture(autouse=True)
def collection_back_on() -> Iterator[None]:
    yield
    gc.enable()


def wait_until(condition: object, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return True
        time.sleep(0.01)
    return False


def test_a_rebuild_runs_without_automatic_collection_and_collection_resumes_when_idle() -> None:
    collector = IdleCollector(idle=0.05)
    collector.pause()
    assert not gc.isenabled()
    collector.resume_later()
    assert not gc.isenabled()  # not at once: the page is being served
    assert wait_until(gc.isenabled)


def test_a_rebuild_starting_before_the_idle_time_keeps_collection_paused() -> None:
    collector = IdleCollector(idle=0.2)
    collector.pause()
    collector.resume_later()
    collector.pause()  # the next edit, before the idle time is up
    time.sleep(0.4)
    assert not gc.isenabled()
    collector.resume_later()
    assert wait_until(gc.isenabled)


def test_a_full_or_failed_rebuild_turns_collection_back_on_at_once() -> None:
    collector = IdleCollector(idle=60)
    collector.pause()
    collector.resume_now()
    assert gc.isenabled()
