"""A build's files that equal the published ones are hard links to them (``engine/linked_files.py``), and the
output check does not read a file that is still the inode it verified (``engine/verify_cache.py``).

The published site is never changed through a link: a path written twice in the new tree is a new file.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from support import AS_OF_ARG, REPO, cli
from trust_util import PII_ALLOW, SITE_URL, tree

import generator.engine.verify as verify_module
from generator.engine.linked_files import LinkingWriter
from generator.engine.verify import verify_site


def published(root: Path) -> Path:
    site = root / "published"
    (site / "a").mkdir(parents=True)
    (site / "a" / "index.html").write_bytes(b"<p>same</p>")
    (site / "b.css").write_bytes(b"p{color:red}")
    (site / "target.txt").write_bytes(b"linked")
    (site / "c.txt").symlink_to("target.txt")
    return site


def test_an_equal_file_is_a_link_to_the_published_one(tmp_path: Path) -> None:
    old = published(tmp_path)
    new = tmp_path / "new"
    writer = LinkingWriter(new, old)
    writer.write(b"<p>same</p>", str(new / "a" / "index.html"))
    writer.write(b"p{color:blue}", str(new / "b.css"))  # same size, other bytes
    writer.write(b"linked", str(new / "c.txt"))  # the published path is a symbolic link: never followed
    writer.write(b"new", str(new / "d" / "e.txt"))  # nothing published there
    assert os.path.samefile(new / "a" / "index.html", old / "a" / "index.html")
    for rel in ("b.css", "c.txt", "d/e.txt"):
        assert (new / rel).stat().st_nlink == 1, rel
    assert tree(new) == {"a/index.html": b"<p>same</p>", "b.css": b"p{color:blue}", "c.txt": b"linked",
                         "d/e.txt": b"new"}
    assert (old / "b.css").read_bytes() == b"p{color:red}"


def test_writing_a_linked_path_again_leaves_the_published_file_alone(tmp_path: Path) -> None:
    old = published(tmp_path)
    new = tmp_path / "new"
    writer = LinkingWriter(new, old)
    page = new / "a" / "index.html"
    writer.write(b"<p>same</p>", str(page))
    assert os.path.samefile(page, old / "a" / "index.html")
    writer.write(b"<p>changed</p>", str(page))
    assert page.read_bytes() == b"<p>changed</p>"
    assert (old / "a" / "index.html").read_bytes() == b"<p>same</p>"


def test_without_a_published_site_every_file_is_written(tmp_path: Path) -> None:
    (tmp_path / "published").mkdir()
    (tmp_path / "published" / "x.txt").write_bytes(b"x")  # a published file, but the writer was given no site
    writer = LinkingWriter(tmp_path / "new", None)
    writer.write(b"x", str(tmp_path / "new" / "x.txt"))
    assert (tmp_path / "new" / "x.txt").read_bytes() == b"x" and (tmp_path / "new" / "x.txt").stat().st_nlink == 1


def _known(site: Path, rel: str, data: bytes) -> dict[str, tuple[str, tuple[int, int, int, int]]]:
    st = os.stat(site / rel)
    return {rel: (hashlib.sha256(data).hexdigest(), (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns))}


def test_a_page_known_to_equal_the_published_file_is_linked_without_reading_it(tmp_path: Path) -> None:
    old = published(tmp_path)
    new = tmp_path / "new"
    same = hashlib.sha256(b"<p>same</p>").hexdigest()
    writer = LinkingWriter(new, old, _known(old, "a/index.html", b"<p>same</p>"))
    loads: list[str] = []

    def load(data: bytes) -> Callable[[], bytes | None]:
        return lambda: loads.append(data.decode()) or data

    assert writer.write_known(same, str(new / "a" / "index.html"), load(b"<p>same</p>"))
    assert loads == [] and os.path.samefile(new / "a" / "index.html", old / "a" / "index.html")
    other = hashlib.sha256(b"<p>else</p>").hexdigest()  # other bytes than the published file's: read, written
    assert writer.write_known(other, str(new / "a" / "index.html"), load(b"<p>else</p>"))
    assert loads == ["<p>else</p>"] and (new / "a" / "index.html").stat().st_nlink == 1
    assert (old / "a" / "index.html").read_bytes() == b"<p>same</p>"
    assert not writer.write_known(other, str(new / "x.html"), lambda: None)  # nothing to write: the caller builds it
    assert not (new / "x.html").exists()


def test_a_published_file_written_since_it_was_verified_is_read_not_trusted(tmp_path: Path) -> None:
    old = published(tmp_path)
    known = _known(old, "a/index.html", b"<p>same</p>")
    (old / "a" / "index.html").write_bytes(b"<p>SAME</p>")  # same size, new bytes, a new modification time
    os.utime(old / "a" / "index.html", ns=(0, known["a/index.html"][1][3] + 1))
    new = tmp_path / "new"
    writer = LinkingWriter(new, old, known)
    assert writer.write_known(known["a/index.html"][0], str(new / "a" / "index.html"), lambda: b"<p>same</p>")
    assert (new / "a" / "index.html").read_bytes() == b"<p>same</p>"
    assert (new / "a" / "index.html").stat().st_nlink == 1


def test_a_file_known_by_its_digest_is_linked_without_reading_the_published_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = published(tmp_path)
    known = {**_known(old, "a/index.html", b"<p>same</p>"), **_known(old, "b.css", b"p{color:red}")}
    new = tmp_path / "new"
    writer = LinkingWriter(new, old, known)
    opened: list[str] = []
    real_open = open
    monkeypatch.setattr("generator.engine.linked_files.open", lambda path, mode="r", *a, **k: (
        opened.append(f"{Path(path).relative_to(tmp_path)} {mode}") or real_open(path, mode, *a, **k)), raising=False)
    writer.write(b"<p>same</p>", str(new / "a" / "index.html"))  # known, same digest: linked unread
    writer.write(b"p{color:blue}", str(new / "b.css"))  # known, same size, other digest: written unread
    writer.write(b"linked", str(new / "target.txt"))  # not known: compared byte for byte
    assert opened == ["new/b.css xb", "published/target.txt rb"]
    assert os.path.samefile(new / "a" / "index.html", old / "a" / "index.html")
    assert os.path.samefile(new / "target.txt", old / "target.txt")
    assert (new / "b.css").stat().st_nlink == 1
    assert tree(old)["b.css"] == b"p{color:red}"


def test_a_file_found_where_the_writer_puts_one_is_replaced_not_written_through(tmp_path: Path) -> None:
    old = published(tmp_path)
    new = tmp_path / "new"
    (new / "a").mkdir(parents=True)
    os.link(old / "b.css", new / "a" / "index.html")  # put there by someone else: a link to a published file
    os.link(old / "target.txt", new / "x.txt")
    writer = LinkingWriter(new, old)
    writer.write(b"<p>new page</p>", str(new / "a" / "index.html"))
    assert writer.write_known("0" * 64, str(new / "x.txt"), lambda: b"other")
    assert tree(new) == {"a/index.html": b"<p>new page</p>", "x.txt": b"other"}
    assert (tree(old)["b.css"], tree(old)["target.txt"]) == (b"p{color:red}", b"linked")


def test_a_folder_removed_after_the_writer_made_it_is_made_again(tmp_path: Path) -> None:
    new = tmp_path / "new"
    writer = LinkingWriter(new, None)
    writer.write(b"one", str(new / "d" / "1.txt"))
    shutil.rmtree(new / "d")
    writer.write(b"two", str(new / "d" / "2.txt"))
    assert tree(new) == {"d/2.txt": b"two"}


# --- the output check -------------------------------------------------------------------------------------

PAGE = ('<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>t</title></head>'
        '<body><p><a href="../b/">{0}</a></p></body></html>')


def small_site(root: Path) -> Path:
    for name, other in (("a", "b"), ("b", "a")):
        page = root / name / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(PAGE.format(f"第{name}页").replace("../b/", f"../{other}/"), encoding="utf-8")
    return root


def test_a_file_linked_to_one_verified_clean_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site, cache = small_site(tmp_path / "site"), tmp_path / ".cache"
    assert verify_site(site, SITE_URL, PII_ALLOW, cache_dir=cache) == []
    linked, copied = tmp_path / "linked", tmp_path / "copied"
    shutil.copytree(site, linked, copy_function=os.link)
    shutil.copytree(site, copied)
    reads: list[str] = []

    def counted_open(path: Any, *args: Any, **kwargs: Any) -> Any:
        reads.append(os.path.relpath(path, tmp_path))
        return open(path, *args, **kwargs)

    monkeypatch.setattr(verify_module, "open", counted_open, raising=False)
    assert verify_site(linked, SITE_URL, PII_ALLOW, cache_dir=cache) == []
    assert reads == []
    assert verify_site(copied, SITE_URL, PII_ALLOW, cache_dir=cache) == []  # other inodes: read, same bytes
    assert sorted(reads) == ["copied/a/index.html", "copied/b/index.html"]
    reads.clear()
    page = copied / "a" / "index.html"  # written in place: the same inode, a new time and size
    page.write_text(PAGE.format("联系电话 13812345678").replace("../b/", "../b/"), encoding="utf-8")
    findings = verify_site(copied, SITE_URL, PII_ALLOW, cache_dir=cache)
    assert reads == ["copied/a/index.html"]
    assert [f.file for f in findings] == ["a/index.html"] and findings[0].check == "pii"
    (copied / "b" / "index.html").rename(copied / "b" / "moved.html")  # the inode stays, its link target goes
    reads.clear()
    findings = verify_site(copied, SITE_URL, PII_ALLOW, cache_dir=cache)
    assert sorted(reads) == ["copied/a/index.html", "copied/b/moved.html"]


# --- a build over the published site ----------------------------------------------------------------------


def project(root: Path) -> Path:
    dest = root / "project"
    for part in ("communities", "content", "theme"):
        shutil.copytree(REPO / part, dest / part, ignore=shutil.ignore_patterns(".cache"))
    (dest / "site_config.yml").write_bytes((REPO / "site_config.yml").read_bytes())
    return dest


def build(monkeypatch: pytest.MonkeyPatch, source: Path, out: Path, workers: str, cache: bool = True) -> None:
    with monkeypatch.context() as mp:
        mp.setenv("DANGJIAN_WORKERS", workers)
        if not cache:
            mp.setenv("DANGJIAN_NO_CACHE", "1")
        result = cli("build", "-p", str(source), "--as-of", AS_OF_ARG, "-o", str(out))
    assert result.exit_code == 0, result.output


def inodes(root: Path) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): p.stat().st_ino for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_build_links_every_unchanged_file_and_writes_the_changed_ones(tmp_path: Path, workers: str,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    source, site = project(tmp_path), tmp_path / "site"
    build(monkeypatch, source, site, workers)
    before, numbers = tree(site), inodes(site)
    plain = tmp_path / "plain"  # the same edit built without any cache over a copy of the same site
    shutil.copytree(site, plain)
    profile = source / "communities" / "chunhui" / "qingchuan" / "profile.yml"
    profile.write_text(profile.read_text(encoding="utf-8").replace("name: 晴川社区", "name: 晴川新区社区"),
                       encoding="utf-8")
    build(monkeypatch, source, site, workers)
    after, now = tree(site), inodes(site)
    build(monkeypatch, source, plain, workers, cache=False)
    assert after == tree(plain)
    same = {rel for rel in after if before.get(rel) == after[rel]}
    changed = set(after) - same
    assert len(same) > 200 and any(rel.startswith("towns/chunhui/qingchuan/") for rel in changed)
    # Every unchanged file kept its inode, but the one MkDocs writes with its own open(): the gzipped sitemap.
    assert [rel for rel in same if now[rel] != numbers[rel]] == ["sitemap.xml.gz"]
    assert [rel for rel in changed if rel in numbers and now[rel] == numbers[rel]] == []
    spare = source / ".cache" / "spare-site"  # the site swapped out, kept as it was: nothing written into it
    assert tree(spare) == before
    assert {rel for rel in after if os.stat(site / rel).st_nlink == 2} == same - {"sitemap.xml.gz"}
    # The next build is made in the spare: what it holds is what a build from nothing writes.
    shutil.rmtree(plain)
    shutil.copytree(site, plain)
    profile.write_text(profile.read_text(encoding="utf-8").replace("name: 晴川新区社区", "name: 晴川社区"),
                       encoding="utf-8")
    build(monkeypatch, source, site, workers)
    build(monkeypatch, source, plain, workers, cache=False)
    assert tree(site) == tree(plain) and tree(spare) == after
    assert [str(d.relative_to(site)) for d in site.rglob("*") if d.is_dir() and not any(d.iterdir())] == []
