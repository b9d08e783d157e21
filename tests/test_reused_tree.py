"""A build made in the spare tree (``engine/reused_tree.py``, ``publish.claim_spare``/``keep_spare``) keeps only the
files the output check verified as they are, never writes into one, and ends with just the files it wrote.

The whole-build comparison (a reused tree against a build from nothing, with and without the engine's workers)
is ``tests/test_linked_files.py::test_a_build_links_every_unchanged_file_and_writes_the_changed_ones``.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from trust_util import tree

from generator.engine import publish, reused_tree
from generator.engine.linked_files import LinkingWriter


def _identity(path: Path) -> tuple[int, int, int, int]:
    st = os.lstat(path)
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def _spare(root: Path) -> tuple[Path, Path, dict[str, tuple[str, tuple[int, int, int, int]]]]:
    """A published site, a spare whose files are links to it (one not), and what the output check knows."""
    site, spare = root / "site", root / "spare"
    files = {"index.html": b"<p>home</p>", "a/index.html": b"<p>a</p>", "a/b/index.html": b"<p>b</p>",
             "gone/index.html": b"<p>gone</p>", "sitemap.xml.gz": b"gz", "qr.png": b"png"}
    for rel, data in files.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_bytes(data)
        (spare / rel).parent.mkdir(parents=True, exist_ok=True)
        os.link(site / rel, spare / rel)
    (spare / "qr.png").unlink()
    (spare / "qr.png").write_bytes(b"png")  # same bytes, another inode: not what was verified
    (spare / "empty").mkdir()
    (spare / "a" / "link.html").symlink_to(site / "index.html")
    known = {rel: (hashlib.sha256(data).hexdigest(), _identity(site / rel)) for rel, data in files.items()}
    return site, spare, known


def test_only_the_files_verified_as_they_are_are_kept(tmp_path: Path) -> None:
    site, spare, known = _spare(tmp_path)
    reused = reused_tree.prepare(spare, known, ["sitemap.xml.gz"])
    assert sorted(Path(p).relative_to(spare).as_posix() for p in reused.kept) == [
        "a/b/index.html", "a/index.html", "gone/index.html", "index.html"]
    assert reused.kept[str(spare / "a" / "index.html")] == hashlib.sha256(b"<p>a</p>").hexdigest()
    assert sorted(tree(spare)) == ["a/b/index.html", "a/index.html", "gone/index.html", "index.html"]
    assert {Path(f).relative_to(tmp_path).as_posix() for f in reused.emptier} == {"spare", "spare/a", "spare/empty"}
    assert tree(site)["sitemap.xml.gz"] == b"gz" and tree(site)["index.html"] == b"<p>home</p>"


def test_the_writer_leaves_an_equal_kept_file_and_replaces_another_without_writing_into_it(tmp_path: Path) -> None:
    site, spare, known = _spare(tmp_path)
    reused = reused_tree.prepare(spare, known, ["sitemap.xml.gz"])
    writer = LinkingWriter(spare, site, known, reused.kept, reused.folders)
    before = _identity(spare / "a" / "index.html")
    writer.write(b"<p>a</p>", str(spare / "a" / "index.html"))  # the same bytes: left in place
    writer.write(b"<p>home, new</p>", str(spare / "index.html"))  # other bytes: a new file
    assert writer.write_known(hashlib.sha256(b"<p>b</p>").hexdigest(), str(spare / "a" / "b" / "index.html"),
                              lambda: None)  # known to be equal: left in place, nothing loaded
    writer.write(b"<p>new</p>", str(spare / "new" / "index.html"))
    assert _identity(spare / "a" / "index.html") == before
    assert (spare / "index.html").stat().st_ino != (site / "index.html").stat().st_ino
    assert sorted(Path(p).relative_to(spare).as_posix() for p in writer.kept) == ["gone/index.html"]
    assert sorted(Path(p).relative_to(spare).as_posix() for p in writer.claimed) == [
        "a/b/index.html", "a/index.html", "index.html"]
    assert reused_tree.finish(spare, writer.kept, reused.emptier) == 1
    assert tree(spare) == {"a/b/index.html": b"<p>b</p>", "a/index.html": b"<p>a</p>",
                           "index.html": b"<p>home, new</p>", "new/index.html": b"<p>new</p>"}
    assert sorted(p.name for p in spare.iterdir()) == ["a", "index.html", "new"]  # empty folders gone
    assert tree(site)["index.html"] == b"<p>home</p>" and tree(site)["gone/index.html"] == b"<p>gone</p>"


def test_a_kept_path_written_by_another_process_is_not_stale(tmp_path: Path) -> None:
    site, spare, known = _spare(tmp_path)
    reused = reused_tree.prepare(spare, known, ["sitemap.xml.gz"])
    parent = LinkingWriter(spare, site, known, reused.kept, reused.folders)
    worker = LinkingWriter(spare, site, known, reused.kept, reused.folders)  # what a forked worker holds
    worker.write(b"<p>gone</p>", str(spare / "gone" / "index.html"))
    parent.forget(worker.claimed)
    assert sorted(Path(p).relative_to(spare).as_posix() for p in parent.kept) == [
        "a/b/index.html", "a/index.html", "index.html"]


def test_the_spare_is_claimed_once_and_kept_only_where_none_is(tmp_path: Path) -> None:
    cache = tmp_path / ".cache"
    cache.mkdir()
    old = tmp_path / "old"
    (old / "x").mkdir(parents=True)
    assert publish.keep_spare(old, cache) and (cache / publish.SPARE / "x").is_dir()
    other = tmp_path / "other"
    other.mkdir()
    (other / "y").write_text("y")
    assert not publish.keep_spare(other, cache) and other.is_dir()  # one spare at a time: the caller removes it
    assert publish.claim_spare(cache, tmp_path / "build-1")
    assert not publish.claim_spare(cache, tmp_path / "build-2")  # already claimed
    assert not publish.claim_spare(None, tmp_path / "build-3") and not publish.keep_spare(other, None)
    assert (tmp_path / "build-1" / "x").is_dir() and not (tmp_path / "build-2").exists()


def test_folders_left_empty_go_innermost_first_and_the_root_stays(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    for rel in ("a/b/c/stale.html", "a/kept.html", "x/y/stale.html"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(rel)
    (root / "e" / "f").mkdir(parents=True)
    stale = [str(root / "a" / "b" / "c" / "stale.html"), str(root / "x" / "y" / "stale.html"), str(root / "nope")]
    assert reused_tree.finish(root, stale, [str(root), str(root / "e" / "f"), str(tmp_path)]) == 2
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) == ["a", "a/kept.html"]
    assert tmp_path.is_dir() and root.is_dir()
