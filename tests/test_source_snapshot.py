"""A build reads only the source files changed since the last build's snapshot (``records/watch.py``:
``Snapshot.kept``/``keep``), and never trusts times that a write could have left unchanged."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest

from generator.cache import cache_key, entry_path, pack
from generator.records import watch
from generator.records.watch import Snapshot

LATER = 10 * watch.RACY_NS  # a snapshot kept this long after the files were written trusts all of them


def _project(root: Path) -> Path:
    project = root / "project"
    for rel, text in {"communities/district.yml": "name: 区\n", "communities/t/town.yml": "name: 镇\n",
                      "communities/t/c/profile.yml": "name: 社区\n", "site_config.yml": "site: {}\n"}.items():
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_text(text, encoding="utf-8")
    return project


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    read: list[str] = []
    original = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self.name) or original(self))
    return read


def test_the_next_build_reads_only_what_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project, folder = _project(tmp_path), tmp_path / "cache"
    first = Snapshot.take(project)
    first.keep(folder, time.time_ns() + LATER)
    kept = Snapshot.kept(folder)
    assert kept is not None and kept.digests == first.digests and kept.stats == first.stats
    profile = project / "communities" / "t" / "c" / "profile.yml"
    profile.write_text("name: 新社区\n", encoding="utf-8")
    read = _reads(monkeypatch)
    second = Snapshot.take(project, kept)
    assert read == ["profile.yml"]
    assert second.changed(first) == {"communities/t/c/profile.yml"}
    assert second.digests["communities/t/c/profile.yml"] == hashlib.sha256("name: 新社区\n".encode()).digest()


def test_files_written_just_before_the_snapshot_are_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project, folder = _project(tmp_path), tmp_path / "cache"
    started = time.time_ns()
    Snapshot.take(project).keep(folder, started)  # every file was written less than RACY_NS before
    kept = Snapshot.kept(folder)
    assert kept is not None and kept.digests == {}
    read = _reads(monkeypatch)
    Snapshot.take(project, kept)
    assert sorted(read) == ["district.yml", "profile.yml", "site_config.yml", "town.yml"]


def test_a_file_rewritten_with_its_old_modification_time_is_read_again(tmp_path: Path) -> None:
    project, folder = _project(tmp_path), tmp_path / "cache"
    town = project / "communities" / "t" / "town.yml"
    Snapshot.take(project).keep(folder, time.time_ns() + LATER)
    before = town.stat()
    town.write_text("name: 乡\n", encoding="utf-8")  # same size; its modification time set back as it was
    os.utime(town, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (town.stat().st_size, town.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    kept = Snapshot.kept(folder)
    assert kept is not None
    again = Snapshot.take(project, kept)
    assert again.digests["communities/t/town.yml"] == hashlib.sha256("name: 乡\n".encode()).digest()


@pytest.mark.parametrize("damage", [b"", b"[]", b'{"a": ["zz", [1, 2, 3, 4]]}', b'{"a": ["00", [1, 2, "3", 4]]}',
                                    b'{"a": ["00", [1, 2, 3]]}', b"not json"])
def test_a_damaged_snapshot_is_no_snapshot(tmp_path: Path, damage: bytes) -> None:
    project, folder = _project(tmp_path), tmp_path / "cache"
    Snapshot.take(project).keep(folder, time.time_ns() + LATER)
    path = entry_path(folder, watch.KIND, cache_key(watch.KIND, watch.FORMAT))
    path.write_bytes(pack([damage]))
    assert Snapshot.kept(folder) is None
    assert Snapshot.kept(None) is None
