"""A build's rendered towns, kept between builds (``.cache/render/``): a town's community pages are rendered
again only when something they read changed.

``registry.render_site`` renders the site-wide pages on every build; the community pages it renders town by
town (a town's share: :class:`~generator.pages.output.Scope` of its communities), and keeps each share under
a key that hashes everything the share's pages read:

* the district's inputs: every source file that is no community's (``site_config.yml``, ``content/``,
  ``district.yml``, the towns' files, frozen results: the preview's rule, ``records.watch.scope_of``), the
  as-of date, the language, the list of communities, the git history of the district's own records, and the
  generator's code (every file of the package: templates, rubric, messages) with Python's and the libraries'
  versions;
* for each community of the town: the bytes of every file in its folder (its records and images), its results
  as ranked against the others (``share_inputs.cross_inputs``) and its records' git history.

That is the rule by which ``dangjian serve`` re-renders after an edit (``pages/incremental.py``, held to it by
``tests/test_live_pipeline.py`` after every kind of edit); here it decides across builds.  So after one
community's records changed, the next build renders the site-wide pages and that community's town, and takes
the other towns' pages as they were (``tests/test_share_store.py``: the same bytes as a build without cache).

A share is kept only when it rendered without a warning or an error (a share with one is rendered each time,
so its messages are shown each time).  An entry is one cache file (``generator.cache.pack``): a header naming
the pages and files, then their bytes; the build's output refers to those bytes where they are
(:class:`~generator.pages.output.Spooled`, as to a render worker's spool pack), so a stored town is neither
read into memory nor copied before MkDocs reads its pages.  An entry is checked (its SHA-256) when it is
found; a damaged one is rendered and written again.  Entries that no build has used for a week
(``cache.KEEP_DAYS``) are removed (a build touches those it uses), so the folder does not grow with every edit.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from generator.cache import (
    blob_offsets,
    cache_folder,
    cache_key,
    entry_path,
    pack,
    package_version,
    prune,
    read_entry,
    touch,
    write_atomic,
)
from generator.messages import language
from generator.pages.output import Output, Scope, Spooled
from generator.pages.parallel import Mark, Part, combine
from generator.pages.share_inputs import brand_owners, cross_inputs, history_owner
from generator.records.watch import Snapshot, by_owner

if TYPE_CHECKING:
    from generator.context import SiteContext
    from generator.records.model import Town

KIND = "render"
FORMAT = 1  # bump when what an entry holds changes
DOUBT = "doubtful"  # under render/: a marker per key whose entry a build stored while its sources changed
RenderPart = Callable[["SiteContext", Scope], Part]


@dataclass
class ShareStore:
    """The stored shares of one build: each town's key, and the shares found under them."""

    folder: Path
    keys: dict[str, str]  # town id -> key of its share
    kept: dict[str, Part] = field(default_factory=dict)  # town id -> its stored share (found when opened)
    towns: list[Town] = field(default_factory=list)  # the district's towns with communities, in district order
    sources: Snapshot | None = None  # the source files the keys were made from (read before the records)

    def todo(self) -> list[Town]:
        """The towns whose share is not stored: they are rendered."""
        return [t for t in self.towns if t.id not in self.kept]

    def renderer(self, render_part: RenderPart) -> RenderPart:
        """``render_part`` that takes a town's share from the store, or renders and stores it; the site-wide
        share (and a share that is not whole towns) is rendered as ever."""
        def render(context: SiteContext, scope: Scope) -> Part:
            wanted = scope.communities
            if scope.site_wide or wanted is None:
                return render_part(context, scope)
            towns = [t for t in self.towns if any(c.key in wanted for c in t.communities)]
            if not towns or any(not all(c.key in wanted for c in t.communities) for t in towns):
                return render_part(context, scope)
            parts = []
            for town in towns:
                part = self.kept.get(town.id)
                if part is None:
                    keys = frozenset(c.key for c in town.communities)
                    part = self.store(town.id, render_part(context, Scope(keys, site_wide=False)))
                parts.append(part)
            return combine(parts)
        return render

    def store(self, town_id: str, part: Part) -> Part:
        """Keep a town's freshly rendered share; the share as the build then uses it (its bytes in the entry)."""
        out = part.output
        if out.log.errors or out.log.warnings or out.untrusted or out.spooled or out.spooled_files:
            return part
        pages = [(path, text.encode("utf-8")) for path, text in out.pages.items()]
        files = list(out.files.items())
        header = {"format": FORMAT, "pages": [p for p, _ in pages], "files": [p for p, _ in files],
                  "marks": [[m.pages, m.files] for m in part.marks]}
        blobs = [json.dumps(header, ensure_ascii=False).encode("utf-8"), *(d for _, d in pages), *(d for _, d in files)]
        key = self.keys[town_id]
        path = entry_path(self.folder, KIND, key)
        if not write_atomic(path, pack(blobs)):
            return part
        with contextlib.suppress(OSError):
            self._doubt(key).unlink(missing_ok=True)
        return _spooled(path, header, [len(b) for b in blobs], out.scope)

    def settle(self, project: Path) -> None:
        """After the render: if a source file changed while the build read it, the shares stored now may hold
        pages of other bytes than their keys say; each is marked doubtful (not found again until a build
        renders and stores it anew).  The build itself goes on with what it read, as any build would."""
        rendered = [self.keys[t.id] for t in self.todo()]  # on this process or on its workers
        if self.sources is None or not rendered or Snapshot.take(project, self.sources).digests == self.sources.digests:
            return
        for key in rendered:
            with contextlib.suppress(OSError):
                doubt = self._doubt(key)
                doubt.parent.mkdir(parents=True, exist_ok=True)
                doubt.touch()

    def _doubt(self, key: str) -> Path:
        return self.folder / KIND / DOUBT / key

    def find(self) -> None:
        """Read the stored shares of this build's towns (touching each, so that pruning keeps it)."""
        for town in self.towns:
            key = self.keys[town.id]
            path = entry_path(self.folder, KIND, key)
            if self._doubt(key).exists():
                continue
            blobs = read_entry(self.folder, KIND, key)
            part = _decode(path, blobs, Scope(frozenset(c.key for c in town.communities), site_wide=False))
            if part is not None:
                self.kept[town.id] = part
                touch(path)

    def prune(self, now: float | None = None) -> None:
        """Remove entries that no build has used for :data:`~generator.cache.KEEP_DAYS` days."""
        prune(self.folder, KIND, now)


def _spooled(path: Path, header: dict[str, object], lengths: list[int], scope: Scope) -> Part:
    """A share whose pages and files are the blobs of the entry at ``path`` (its header first)."""
    offsets = blob_offsets(lengths)
    out = Output(scope=scope)
    where = str(path)
    pages, files = header["pages"], header["files"]
    assert isinstance(pages, list) and isinstance(files, list)
    for i, rel in enumerate(pages, start=1):
        out.add_spooled(rel, Spooled(where, offsets[i], lengths[i]), page=True)
    for i, rel in enumerate(files, start=1 + len(pages)):
        out.add_spooled(rel, Spooled(where, offsets[i], lengths[i]), page=False)
    marks = header["marks"]
    assert isinstance(marks, list)
    return Part(out, [Mark(p, f) for p, f in marks])


def _decode(path: Path, blobs: list[bytes] | None, scope: Scope) -> Part | None:
    """The share an entry holds; None for no entry or one that is not a share of this format."""
    if not blobs:
        return None
    try:
        header = json.loads(blobs[0])
    except ValueError:
        return None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        return None
    pages, files, marks = header.get("pages"), header.get("files"), header.get("marks")
    if not (isinstance(pages, list) and isinstance(files, list) and isinstance(marks, list)):
        return None
    if len(blobs) != 1 + len(pages) + len(files) or not all(isinstance(m, list) and len(m) == 2 for m in marks):
        return None
    return _spooled(path, header, [len(b) for b in blobs], scope)


def open_store(context: SiteContext, sources: Snapshot) -> ShareStore | None:
    """The store of this build's towns (their keys, and the shares found); None without a cache.

    ``sources``: the project's source files as they were before the build read its records;
    :meth:`ShareStore.settle` compares them with the files after the render."""
    folder = cache_folder(context.project)
    version = package_version()
    if folder is None or version is None:
        return None
    district = context.district
    towns = [t for t in district.towns if t.communities]
    shared, files = by_owner(sources)
    own = {c.key: files.pop(c.key, []) for t in towns for c in t.communities}
    shared += [row for rows in files.values() for row in rows]  # a held-back community's: the district's
    shared.sort()
    brands = brand_owners(context)
    history: dict[str, list[str]] = {key: [] for key in own}
    district_history = []
    for rid, changes in sorted(context.history.items()):
        row = repr((rid, changes))
        owner = history_owner(rid, brands)
        history.get(owner or "", district_history).append(row)
    ranks = cross_inputs(context)
    district_key = cache_key(KIND, FORMAT, version, context.as_of.isoformat(), language(), shared,
                             [c.key for c in district.communities()], district_history)
    keys = {t.id: cache_key(district_key, t.id, [[c.key, own[c.key], ranks.get(c.key, ""), history[c.key]]
                                                  for c in t.communities]) for t in towns}
    store = ShareStore(folder, keys, towns=towns, sources=sources)
    store.find()
    store.prune()
    return store
