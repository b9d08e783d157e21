"""MkDocs's writes into the site folder, routed through a :class:`~generator.engine.linked_files.LinkingWriter`
for one build: a page or file equal to the published one is a hard link to it (see ``linked_files``).

MkDocs writes a site's files in two places: ``mkdocs.utils.write_file`` (pages, the sitemap, the search
index, and the engine pool's pages taken from the page cache) and ``File.copy_file`` (theme assets, generated
and spooled files).  Within :func:`linked_writes` both go through the writer; the bytes are those MkDocs
would have written (a text file's content as UTF-8, a source file's bytes as they are).  The engine pool's
workers put the pages they take from the page cache through :func:`active` (``LinkingWriter.write_known``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from generator.engine import reused_tree
from generator.engine.linked_files import Identity, LinkingWriter

DIRECT_WRITES = ("sitemap.xml.gz",)  # written by MkDocs itself (gzip), not through ``utils.write_file``

_ACTIVE: list[LinkingWriter] = []  # the writer of the block running now (a forked worker inherits it)


def active() -> LinkingWriter | None:
    """The writer MkDocs's writes go through now; None outside :func:`linked_writes`."""
    return _ACTIVE[-1] if _ACTIVE else None


@contextmanager
def linked_writes(site_dir: Path, published: Path | None,
                  known: Mapping[str, tuple[str, Identity]] | None = None) -> Iterator[None]:
    """Within this block MkDocs's writes into ``site_dir`` link what equals ``published``'s files (``known``:
    the published files' digests, see ``linked_files``).  A ``site_dir`` that exists is a spare tree to build in
    (``reused_tree``): MkDocs does not empty it, and when the block ends it holds just what the build wrote."""
    from mkdocs import utils
    from mkdocs.structure.files import File

    reused = reused_tree.prepare(site_dir, known or {}, DIRECT_WRITES) if site_dir.is_dir() else None
    writer = LinkingWriter(site_dir, published, known, reused.kept if reused else None,
                           reused.folders if reused else ())
    original_write, original_copy, original_clean = utils.write_file, File.copy_file, utils.clean_directory

    def copy_file(self: File, dirty: bool = False) -> None:
        if dirty and not self.is_modified():
            return
        output_path = self.abs_dest_path
        content = self._content
        if content is None:
            assert self.abs_src_path is not None
            if os.path.exists(output_path) and os.path.samefile(self.abs_src_path, output_path):
                return  # a plugin wrote it into the site folder itself (MkDocs's SameFileError case)
            data = Path(self.abs_src_path).read_bytes()
        else:
            data = content.encode("utf-8") if isinstance(content, str) else content
        writer.write(data, output_path)

    utils.write_file = writer.write
    File.copy_file = copy_file  # type: ignore[method-assign]
    if reused is not None:
        utils.clean_directory = lambda directory: None  # the spare's files are sorted out by reused_tree
    _ACTIVE.append(writer)
    try:
        yield
    finally:
        _ACTIVE.remove(writer)
        utils.write_file = original_write
        File.copy_file = original_copy  # type: ignore[method-assign]
        utils.clean_directory = original_clean
    if reused is not None:
        reused_tree.finish(site_dir, writer.kept, reused.emptier)
