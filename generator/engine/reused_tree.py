"""A new site built in the tree of the site before last, so that its folders and unchanged files are not made again.

A build makes its site in a new tree and swaps it with the published one (``build.py``, ``publish.py``); the
tree swapped out is the site before.  At 2,000 communities a tree is ~22,000 folders (one per page address) and
~31,000 files, and making one (``mkdir`` and ``link`` calls) then removing the old one cost ~4 s of every build,
almost all of it for folders and files that the next build makes again exactly as they were.  So the tree
swapped out is kept in the cache folder (the *spare*, ``publish.keep_spare``) and the next build claims it and
builds its site in it:

* :func:`prepare` walks the spare once: a file is kept only when it is still the very inode the output check
  last verified at its site path (``verify_cache.published_files``: inode, size, modification time), whose
  SHA-256 is therefore known; every other file, symbolic link or special file is removed, and so is every file
  at a path the engine writes itself rather than through the build's writer (``direct``);
* the build's writer (``linked_files.LinkingWriter``) leaves a kept file in place when the bytes to be written
  have its digest, and otherwise unlinks it and writes the new bytes: nothing is ever written into a kept file
  (which is a link to the published site's);
* :func:`finish` removes the kept files no process of the build wrote (the site no longer has them) and the
  folders left empty, before the output check reads the tree.

So the tree holds exactly the files the build wrote, with the bytes it wrote, as a tree made from nothing does
(``tests/test_reused_tree.py`` compares the two).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from generator.engine.verify_cache import Identity, identity


@dataclass
class Reused:
    """A claimed spare after :func:`prepare`: its kept files (absolute path -> SHA-256) and its folders."""

    kept: dict[str, str] = field(default_factory=dict)
    folders: set[str] = field(default_factory=set)
    emptier: set[str] = field(default_factory=set)  # folders that lost a file here, or had none: maybe left empty


def prepare(root: Path, known: Mapping[str, tuple[str, Identity]], direct: Iterable[str] = ()) -> Reused:
    """Keep in the tree at ``root`` only the files ``known`` says were verified as they are (see the module)."""
    out = Reused()
    direct_paths = set(direct)
    base = os.path.abspath(root)
    folders = [(base, "")]
    while folders:
        folder, rel_folder = folders.pop()
        out.folders.add(folder)
        with os.scandir(folder) as entries:
            found = False
            for entry in entries:
                found = True
                rel = rel_folder + entry.name
                if entry.is_dir(follow_symlinks=False):
                    folders.append((entry.path, rel + "/"))
                    continue
                kept = known.get(rel)
                if kept is not None and rel not in direct_paths:
                    st = entry.stat(follow_symlinks=False)
                    if stat.S_ISREG(st.st_mode) and identity(st) == kept[1]:
                        out.kept[entry.path] = kept[0]
                        continue
                os.unlink(entry.path)
                out.emptier.add(folder)
            if not found:
                out.emptier.add(folder)
    return out


def finish(root: Path, stale: Iterable[str], emptier: Iterable[str]) -> int:
    """Remove the ``stale`` files (kept, never written), then every folder of the tree at ``root`` left empty
    among ``emptier``, the folders of the stale files and the folders above those removed (the root never);
    how many files went."""
    base = os.path.abspath(root)
    candidates = set(emptier)
    removed = 0
    for path in stale:
        try:
            os.unlink(path)
        except FileNotFoundError:
            continue
        candidates.add(os.path.dirname(path))
        removed += 1
    by_depth: dict[int, set[str]] = {}
    for folder in candidates:
        by_depth.setdefault(folder.count(os.sep), set()).add(folder)
    while by_depth:  # innermost first: a folder emptied by removing its last folder is tried after it
        depth = max(by_depth)
        for folder in sorted(by_depth.pop(depth)):
            if folder == base or not folder.startswith(base + os.sep):
                continue
            try:
                os.rmdir(folder)
            except OSError:  # not empty (or gone): kept
                continue
            by_depth.setdefault(depth - 1, set()).add(os.path.dirname(folder))
    return removed
