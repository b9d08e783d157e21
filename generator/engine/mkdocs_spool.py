"""MkDocs files whose bytes stay in the build's spool (``pages.parallel.spool_part``) until MkDocs reads them.

A spooled page or file is a run of bytes in a pack file (``pages.output.Spooled``).  :class:`SpooledFile`
is a generated MkDocs file that reads its run when MkDocs asks for its content and writes it when MkDocs
copies it, so the pages a render part left on disk are never all in memory, and there is one pack per part
to write and remove rather than one file per page.  A page reads back as exactly the text that was spooled
(decoded as UTF-8, nothing stripped or translated), as MkDocs gives the text of a page held in memory; a
file's text is decoded the way MkDocs decodes in-memory bytes (a leading byte-order mark dropped).
Setting a file's content (a plugin may) replaces the spooled bytes, as it replaces a file's source in MkDocs.

Imported by ``mkdocs_adapter`` when it hands the pages to MkDocs (this module imports MkDocs).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mkdocs.structure.files import File

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

    from generator.pages.output import Spooled


class SpooledFile(File):
    """A generated file backed by a run of a spool pack (:func:`spooled_file` makes one)."""

    spooled: Spooled | None = None
    page_text = False  # a page: its text is the spooled UTF-8, verbatim

    @property
    def content_bytes(self) -> bytes:
        if self._content is None and self.spooled is not None:
            return self.spooled.read()
        return File.content_bytes.fget(self)  # type: ignore[attr-defined,no-any-return]

    @content_bytes.setter
    def content_bytes(self, value: bytes) -> None:
        self.spooled = None
        File.content_bytes.fset(self, value)  # type: ignore[attr-defined]

    @property
    def content_string(self) -> str:
        if self._content is None and self.spooled is not None:
            return self.spooled.read().decode("utf-8" if self.page_text else "utf-8-sig")
        return File.content_string.fget(self)  # type: ignore[attr-defined,no-any-return]

    @content_string.setter
    def content_string(self, value: str) -> None:
        self.spooled = None
        File.content_string.fset(self, value)  # type: ignore[attr-defined]

    def copy_file(self, dirty: bool = False) -> None:
        if self._content is not None or self.spooled is None:
            super().copy_file(dirty)
            return
        from mkdocs import utils  # looked up at the call: a build may route MkDocs's writes (mkdocs_writes)

        utils.write_file(self.spooled.read(), self.abs_dest_path)

    def is_modified(self) -> bool:
        return self.spooled is not None or super().is_modified()


def spooled_file(config: MkDocsConfig, path: str, where: Spooled, page: bool) -> File:
    """The MkDocs file at docs-relative ``path`` whose bytes are ``where`` (``page``: a Markdown page)."""
    file = SpooledFile.generated(config, path, content=b"")
    assert isinstance(file, SpooledFile)
    file._content = None
    file.spooled, file.page_text = where, page
    return file
