"""Hostile input, round two: what staff and attackers really put in records and content/ ends in a located
Chinese message and exit 1 — never a traceback — and images are published as pixels only."""

from __future__ import annotations

import io
import os
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin
from support import AS_OF_ARG, MINIMAL, cli, copy_project
from test_verify import pdf

C = "communities/demo-town/demo-community"
GENERATED = ("assets/、brands/、changes/、data/、honours/、media/、pledges/、promotion/、ranking/、reports/、"
             "rubric/、screen/、search/、towns/")


def _png_bomb() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", 30000, 30000, 8, 2, 0, 0, 0)
    body = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 10)) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + body


def _float_tiff() -> bytes:
    out = io.BytesIO()
    Image.new("F", (4, 4)).save(out, format="TIFF")
    return out.getvalue()


def _write(rel: str, data: bytes | str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return edit


def _claim(address: str) -> str:
    return (f"错误：content/{address}: 这个文件会占用网站自动生成的地址 {address}"
            f"（提示：请换一个文件名或文件夹；{GENERATED} 等位置由系统生成）")


WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
FIRST17 = "11010519491231002"
ID = FIRST17 + "10X98765432"[sum(int(d) * w for d, w in zip(FIRST17, WEIGHTS, strict=True)) % 11]

CASES: dict[str, tuple[Callable[[Path], None], str]] = {
    "content-pdf-holding-an-id-number": (
        _write("content/notice.pdf", pdf(f"ID {ID}")),
        f"错误：content/notice.pdf: PDF 第 1 页含有个人信息：居民身份证号码 {ID[:4]}**********{ID[-4:]}"
        "（提示：请删除后重新导出 PDF；个人信息不得公开）"),
    "yaml-tag-with-an-unknown-value": (
        lambda root: (root / C / "pledges.yml").write_text((root / C / "pledges.yml").read_text(encoding="utf-8")
                                                          .replace("pledges:", "extra: !!bool maybe\npledges:", 1),
                                                          encoding="utf-8"),
        f"错误：{C}/pledges.yml:2: extra: 无法读取此值：'maybe'"),
    "image-header-of-30000x30000": (
        _write("content/bomb.png", _png_bomb()),
        "错误：content/bomb.png: 图片无法公开：图片像素过多（超过 4000 万像素），不像是照片"),
    "float-tiff-named-png": (_write("content/f.png", _float_tiff()),
                             "错误：content/f.png: 图片无法公开：文件后缀是 .png，内容却是 TIFF 格式"),
    "content-claims-the-home-page": (_write("content/index.md", "# 假首页\n"), _claim("index.md")),
    "content-claims-the-brand-gallery": (_write("content/brands/index.md", "# 假品牌\n"), _claim("brands/index.md")),
    "content-claims-the-open-data": (_write("content/data/scores.csv", "a,b\n"), _claim("data/scores.csv")),
    "content-in-gbk": (_write("content/gbk.md", "# 关于我们\n中文\n".encode("gbk")),
                       "错误：content/gbk.md:1: 文件不是 UTF-8 编码（提示：请把文件另存为 UTF-8（不要用 GBK））"),
    "symlink-inside-the-project": (
        lambda root: os.symlink(root / C / "pledges.yml", root / "content" / "link.md"),
        "错误：content/link.md: content/ 中不能有符号链接（提示：请把文件本身复制进来）"),
}


@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_input_is_a_located_chinese_error(tmp_path: Path, case: str, command: str) -> None:
    root = copy_project(MINIMAL, tmp_path / "p")
    edit, expected = CASES[case]
    edit(root)
    args = [command, "-p", str(root), "--as-of", AS_OF_ARG] + (["-o", str(tmp_path / "site")] if command == "build"
                                                                 else [])
    result = cli(*args)
    assert result.exit_code == 1, result.output
    assert expected in result.stderr.splitlines(), result.stderr
    assert not (tmp_path / "site").exists()


def test_an_upper_case_md_file_is_a_sanitised_page(tmp_path: Path) -> None:
    root = copy_project(MINIMAL, tmp_path / "p")
    _write("content/notice.MD", "# 通知\n\n<script>alert(1)</script>正文\n")(root)
    out = tmp_path / "site"
    result = cli("build", "-p", str(root), "--as-of", AS_OF_ARG, "-o", str(out))
    assert result.exit_code == 0, result.output
    page = (out / "notice" / "index.html").read_text(encoding="utf-8")
    assert "正文" in page and "alert(1)" not in page
    assert not (out / "notice.MD").exists()


def test_content_images_are_published_without_metadata(tmp_path: Path) -> None:
    root = copy_project(MINIMAL, tmp_path / "p")
    photo = io.BytesIO()
    exif = Image.Exif()
    exif[0x010E] = "身份证 11010519491231002X"  # ImageDescription
    exif[0x8825] = {1: "N", 2: (31.0, 18.0, 0.0)}  # GPSInfo
    Image.new("RGB", (8, 8), "red").save(photo, "JPEG", exif=exif)
    chart = io.BytesIO()
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "联系人手机 13812345678")
    Image.new("RGB", (8, 8), "blue").save(chart, "PNG", pnginfo=info)
    _write("content/photo.jpg", photo.getvalue())(root)
    _write("content/chart.png", chart.getvalue())(root)
    _write("content/pictures.md", "# 图片\n\n![照片](photo.jpg) ![图表](chart.png)\n")(root)
    out = tmp_path / "site"
    result = cli("build", "-p", str(root), "--as-of", AS_OF_ARG, "-o", str(out))
    assert result.exit_code == 0, result.output
    with Image.open(out / "photo.jpg") as published:
        assert dict(published.getexif()) == {} and "exif" not in published.info
    with Image.open(out / "chart.png") as published:
        assert published.text == {}  # type: ignore[attr-defined]
    assert b"13812345678" not in (out / "chart.png").read_bytes()
