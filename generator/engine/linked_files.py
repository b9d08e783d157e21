"""A new site's files that are byte for byte the published site's are hard links to the published files.

A build writes the whole site into a new tree beside the published one and swaps the two (``build.py``,
``publish.py``).  After a small change almost every file of the new tree has the bytes of the published
file at the same site path; writing it again costs a new inode and its blocks, and removing the old tree
after the swap frees every one of them again (tens of thousands of files for a city).  Instead such a
file is made a hard link to the published one: the new tree names the same inode, the old tree's removal
only drops a name, and the output check knows the file it verified before by its inode
(``verify_cache``).  What a reader downloads is the same either way.

What keeps the published site safe while the new tree is made beside it:

* a published file is compared byte for byte (its size first) before it is linked, or by its SHA-256 while it is
  still the inode the output check verified with that digest (see below); only a regular file of the published
  tree is linked (a symbolic link never);
* nothing is ever written *into* a file of the new tree: files are created exclusively (``O_EXCL``), and a path
  written twice, or found taken, is unlinked first, so no write can go through a link into the published site;
* where a link cannot be made (another file system, one without hard links), the file is written.

A page the engine takes from its page cache is known by the SHA-256 of its bytes (``mkdocs_page_cache``), and the
published files by theirs: the output check's manifest records, for every file it verified, that digest with
the file's inode, size and modification time (``verify_cache``).  :meth:`LinkingWriter.write_known` links
such a page to the published file when the file is still that very inode, untouched, with that digest,
without reading either: the trust the output check already gives an unchanged inode.  Otherwise it reads the
page's bytes and writes them as :meth:`~LinkingWriter.write` does.

Engine-neutral: the MkDocs adapter routes MkDocs's writes here (``mkdocs_writes``).
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from generator.engine.verify_cache import Identity, identity


class LinkingWriter:
    """Writes the files of the tree at ``site_dir``; a file equal to ``published``'s at the same path is
    a hard link to it (``published`` None: every file is written).  ``known``: published files by site path,
    the SHA-256 (hex) of their bytes and the inode that had them (see the module)."""

    def __init__(self, site_dir: Path, published: Path | None,
                 known: Mapping[str, tuple[str, Identity]] | None = None, kept: Mapping[str, str] | None = None,
                 folders: Iterable[str] = ()) -> None:
        self.root = os.path.abspath(site_dir)
        self.published = os.path.abspath(published) if published is not None and published.is_dir() else None
        self.known = known or {}
        self.kept = dict(kept or {})  # files already in the tree (``reused_tree``): path -> SHA-256; none written
        self.claimed: list[str] = []  # the kept paths this writer wrote (left in place or replaced)
        self.folders: set[str] = set(folders)  # folders of the new tree made (or found) by this writer
        self.written: set[str] = set()  # paths this writer put a file at

    def write(self, data: bytes, path: str) -> None:
        """Put ``data`` at ``path`` (a path in the new tree), as a link to the published file if it is equal."""
        if self.kept and self._still_kept(path, lambda: hashlib.sha256(data).hexdigest()):
            return
        self._clear(path)
        self._put(data, path)

    def forget(self, paths: Iterable[str]) -> None:
        """Another process (a forked worker with this writer) wrote these kept paths."""
        for path in paths:
            self.kept.pop(path, None)

    def _still_kept(self, path: str, digest: Callable[[], str]) -> bool:
        """Whether the kept file at ``path`` has the bytes to be written (``digest``); if not, it is unlinked."""
        kept = self.kept.pop(path, None)
        if kept is None:
            return False
        self.claimed.append(path)
        if kept == digest():
            self.written.add(path)
            return True
        os.unlink(path)
        return False

    def write_known(self, digest: str, path: str, load: Callable[[], bytes | None]) -> bool:
        """Put the bytes whose SHA-256 is ``digest`` at ``path``: a link to the published file when the output
        check knows it holds them, else the bytes ``load`` gives (False, and nothing written, when it gives
        None)."""
        if self.kept and self._still_kept(path, lambda: digest):
            return True
        self._clear(path)
        old = self._published_path(path)
        if old is not None and self.known:
            kept = self.known.get(old[1])
            if kept is not None and kept[0] == digest:
                try:
                    st = os.lstat(old[0])
                    if stat.S_ISREG(st.st_mode) and identity(st) == kept[1]:
                        self._place(lambda: os.link(old[0], path), path)
                        return True
                except OSError:
                    pass
        data = load()
        if data is None:
            return False
        self._put(data, path)
        return True

    def _clear(self, path: str) -> None:
        folder = os.path.dirname(path) or "."
        if folder not in self.folders:
            os.makedirs(folder, exist_ok=True)
            self.folders.add(folder)
        if path in self.written:  # written before in this build: never write through it (it may be a link)
            os.unlink(path)
            self.written.discard(path)

    def _place(self, make: Callable[[], object], path: str) -> None:
        """Run ``make`` (a link or an exclusive create at ``path``); a file found there that this writer did not
        put (another writer's, a forked worker's) is removed first, a folder gone since is made again."""
        try:
            make()
        except FileExistsError:
            os.unlink(path)
            make()
        except FileNotFoundError:
            self.folders.discard(os.path.dirname(path) or ".")
            os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
            make()
        self.written.add(path)

    def _put(self, data: bytes, path: str) -> None:
        old = self._published_copy(path, data)
        if old is not None:
            try:
                self._place(lambda: os.link(old, path), path)
            except OSError:
                pass
            else:
                return

        def create() -> None:
            with open(path, "xb") as out:
                out.write(data)

        self._place(create, path)

    def _published_path(self, path: str) -> tuple[str, str] | None:
        """The published path at ``path``'s site path, and that site path (``/``-separated)."""
        if self.published is None:
            return None
        full = os.path.abspath(path)
        if not full.startswith(self.root + os.sep):
            return None
        rel = full[len(self.root) + 1:]
        return self.published + os.sep + rel, rel.replace(os.sep, "/")

    def _published_copy(self, path: str, data: bytes) -> str | None:
        """The published file at ``path``'s site path if it is a regular file holding exactly ``data``: known by
        its digest when it is still the inode the output check verified (``known``), else compared byte for byte."""
        found = self._published_path(path)
        if found is None:
            return None
        old, rel = found
        try:
            st = os.lstat(old)
            if not stat.S_ISREG(st.st_mode) or st.st_size != len(data):
                return None
            kept = self.known.get(rel)
            if kept is not None and identity(st) == kept[1]:
                return old if hashlib.sha256(data).hexdigest() == kept[0] else None
            with open(old, "rb") as f:
                same = f.read(len(data) + 1) == data
        except OSError:
            return None
        return old if same else None
