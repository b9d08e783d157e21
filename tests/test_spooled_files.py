"""MkDocs reads a spooled page as the very text that was rendered, as it reads a page held in memory, and
copies a spooled file's bytes as they are (``engine/mkdocs_spool.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File

from generator.engine.mkdocs_spool import spooled_file
from generator.pages import parallel
from generator.pages.output import Output

PAGES = {"a/index.md": "# 甲\n", "b/index.md": "标题\r\n正文", "c/index.md": "\ufeff# 标题"}
FILES = {"a/x.png": b"\r\n\x00\xff", "b/y.svg": "\ufeff<svg/>".encode()}


@pytest.fixture
def config(tmp_path: Path) -> MkDocsConfig:
    cfg = MkDocsConfig()
    cfg.load_dict({"site_name": "测试", "docs_dir": str(tmp_path / "docs"), "site_dir": str(tmp_path / "site")})
    (tmp_path / "docs").mkdir()
    errors, _warnings = cfg.validate()
    assert not errors
    cfg.plugins._current_plugin = None  # set by MkDocs while a plugin's event runs (``File.generated`` reads it)
    return cfg


@pytest.fixture
def spooled(tmp_path: Path) -> Output:
    (tmp_path / "spool").mkdir()
    output = Output(pages=dict(PAGES), files=dict(FILES))
    parallel.spool_part(parallel.Part(output, [parallel.Mark.of(output)]), tmp_path / "spool")
    assert not output.pages and not output.files
    return output


def test_a_spooled_page_reads_as_the_same_page_held_in_memory(config: MkDocsConfig, spooled: Output) -> None:
    for path, where in spooled.spooled.items():
        held = File.generated(config, path, content=PAGES[path])
        file = spooled_file(config, path, where, page=True)
        assert file.content_string == held.content_string == PAGES[path], path
        assert file.content_bytes == held.content_bytes, path
        assert (file.url, file.dest_uri, file.is_documentation_page()) == (held.url, held.dest_uri, True)


def test_a_spooled_file_is_copied_byte_for_byte(config: MkDocsConfig, spooled: Output, tmp_path: Path) -> None:
    for path, where in spooled.spooled_files.items():
        file = spooled_file(config, path, where, page=False)
        held = File.generated(config, path, content=FILES[path])
        assert file.content_bytes == held.content_bytes and file.is_modified()
        if path.endswith(".svg"):  # text: decoded as MkDocs decodes in-memory bytes (the mark dropped)
            assert file.content_string == held.content_string == "<svg/>"
        file.copy_file()
        assert (tmp_path / "site" / path).read_bytes() == FILES[path]


def test_content_set_by_a_plugin_replaces_the_spooled_bytes(config: MkDocsConfig, spooled: Output,
                                                            tmp_path: Path) -> None:
    file = spooled_file(config, "a/x.png", spooled.spooled_files["a/x.png"], page=False)
    file.content_bytes = b"new"
    file.copy_file()
    assert (tmp_path / "site" / "a/x.png").read_bytes() == b"new" and file.spooled is None
    page = spooled_file(config, "a/index.md", spooled.spooled["a/index.md"], page=True)
    page.content_string = "# 改\n"
    assert page.content_string == "# 改\n" and page.content_bytes == "# 改\n".encode()
