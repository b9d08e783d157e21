"""Brand images that decoded are not decoded again by the next build until their file changes
(``records/images_checked.py``, issue 14), and their headers are not read again."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator import cache, pipeline
from generator.records import images, validate

AS_OF = dt.date(2026, 6, 30)
XINYUAN = "communities/hehua/xinyuan"


def _new_process() -> None:
    """What a new build starts with: no header remembered in memory."""
    images._KNOWN.clear()
    images._header_of.cache_clear()


@pytest.fixture
def spied(project_copy, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, list[str], list[str]]:  # type: ignore[no-untyped-def]
    monkeypatch.delenv(cache.DISABLE, raising=False)
    project: Path = project_copy("boards_district")
    decoded: list[str] = []
    headers: list[str] = []
    check, header = validate.check_decodes, images._header_of
    monkeypatch.setattr(validate, "check_decodes", lambda file: (decoded.append(file.name), check(file))[1])

    def read_header(source: str, *stamp: int) -> tuple[int, int, object]:
        headers.append(Path(source).name)
        return header(source, *stamp)

    monkeypatch.setattr(images, "_header_of", read_header)
    read_header.cache_clear = header.cache_clear  # type: ignore[attr-defined]
    _new_process()
    return project, decoded, headers


def test_a_build_decodes_only_the_images_no_build_decoded_before(spied: tuple[Path, list[str], list[str]]) -> None:
    project, decoded, headers = spied
    first = pipeline.run(project, AS_OF)
    assert not first.log.errors and "lotus.jpg" in decoded and "lotus.jpg" in headers
    decoded.clear()
    headers.clear()
    _new_process()
    again = pipeline.run(project, AS_OF)
    assert not again.log.errors
    assert decoded == [] and headers == []  # nothing changed: nothing read
    assert first.output is not None and again.output is not None
    assert again.output.files == first.output.files and again.output.pages == first.output.pages


def test_an_image_changed_since_is_decoded_and_its_fault_reported(spied: tuple[Path, list[str], list[str]]) -> None:
    project, decoded, _ = spied
    assert not pipeline.run(project, AS_OF).log.errors
    decoded.clear()
    image = project / XINYUAN / "images/lotus.jpg"
    image.write_bytes(image.read_bytes()[:200])  # a truncated photo: the header reads, the pixels do not
    _new_process()
    again = pipeline.run(project, AS_OF)
    assert decoded == ["lotus.jpg"]
    assert [str(e) for e in again.log.errors] == [
        "communities/hehua/xinyuan/brands.yml:9: 品牌[0].图片[0].文件(file): 无法读取图片：Truncated File Read"]
    decoded.clear()
    _new_process()
    assert pipeline.run(project, AS_OF).log.errors  # a failure is not kept: decoded, and reported, again
    assert decoded == ["lotus.jpg"]


def test_another_version_of_the_image_code_decodes_every_image(
        spied: tuple[Path, list[str], list[str]], monkeypatch: pytest.MonkeyPatch) -> None:
    project, decoded, _ = spied
    pipeline.run(project, AS_OF)
    decoded.clear()
    monkeypatch.setattr(images, "CODE_VERSION", images.CODE_VERSION + 1)
    _new_process()
    pipeline.run(project, AS_OF)
    assert "lotus.jpg" in decoded
