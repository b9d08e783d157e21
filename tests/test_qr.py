"""QR codes: one per community board and brand page, encoding the public URL from site_config.yml."""

from __future__ import annotations

import io
from xml.etree import ElementTree as ET

import segno
from boards_util import district_output
from PIL import Image

from generator.pages.qr import MASK, PNG_SCALE, qr_png, qr_svg
from generator.urls import public as public_url

SVG = "{http://www.w3.org/2000/svg}"


def test_every_board_and_brand_gets_svg_and_png() -> None:
    context, output = district_output()
    dirs = [c.url for c in context.district.communities()]
    dirs += [f"brands/{b.id}/" for c in context.district.communities() for b in c.brands.brands]
    for d in dirs:
        assert f"{d}qr.svg" in output.files and f"{d}qr.png" in output.files, d
    assert len([p for p in output.files if p.endswith("qr.svg")]) == len(dirs)


def test_svg_encodes_the_public_url() -> None:
    _, output = district_output()
    url = "https://dangjian.example.gov.cn/towns/chengnan/qingchuan/"
    svg = output.files["towns/chengnan/qingchuan/qr.svg"]
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.find(f"{SVG}title").text == url  # type: ignore[union-attr]
    assert svg == qr_svg(url)


def test_png_modules_match_the_qr_matrix() -> None:
    url = public_url("https://example.org/base/", "brands/abc/")
    assert url == "https://example.org/base/brands/abc/"
    code = segno.make(url, error="m", micro=False, mask=MASK)
    img = Image.open(io.BytesIO(qr_png(url))).convert("L")
    border = 4
    width, height = code.symbol_size(border=0)
    half = PNG_SCALE // 2
    matrix = [[img.getpixel(((x + border) * PNG_SCALE + half, (y + border) * PNG_SCALE + half)) < 128
               for x in range(width)] for y in range(height)]
    assert matrix == [[bool(v) for v in row] for row in code.matrix]


def test_board_page_shows_and_offers_the_code() -> None:
    context, _ = district_output()
    from generator.pages.core import render_boards
    from generator.pages.output import Output

    output = Output()
    render_boards(context, output)
    page = output.pages["towns/chengnan/qingchuan/index.md"]
    assert '<img class="dj-qr" src="qr.svg"' in page
    assert 'href="qr.png" download="chengnan-qingchuan-qr.png"' in page
    assert 'href="../../../towns/chengnan/qingchuan/print/"' in page
    assert 'href="../../../screen/chengnan/qingchuan/"' in page


def test_a_real_decoder_reads_the_png(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """zbarimg (Debian zbar-tools, installed by scripts/setup-test-tools.sh) decodes what we encode."""
    import shutil
    import subprocess

    import pytest

    if shutil.which("zbarimg") is None:
        pytest.skip("zbarimg not installed (scripts/setup-test-tools.sh installs it)")
    url = public_url("https://dangjian.example.gov.cn/", "towns/chunhui/qingchuan/")
    png = tmp_path / "qr.png"
    png.write_bytes(qr_png(url))
    proc = subprocess.run(["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, text=True)
    assert proc.stdout.strip() == url
