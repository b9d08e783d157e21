"""QR codes (segno) for community boards and brand pages.

Each code encodes the page's public address: ``site.url`` from
``site_config.yml`` plus the page's directory URL.  Codes are written next to
the page they point to as ``qr.svg`` (shown on the page, sharp at any print
size) and ``qr.png`` (for pasting into office documents).

A build takes both files from the project's cache (:mod:`generator.cache`) when it has them: the
key is the URL, the drawing settings, :data:`CODE_VERSION`, this module's source and the versions of
segno and Pillow.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

import segno
from PIL import Image

from generator import urls
from generator.cache import cache_folder, cache_key, read_entry, write_entry
from generator.records.images import pillow_versions, source_digest

if TYPE_CHECKING:
    from pathlib import Path

    from generator.context import SiteContext
    from generator.pages.output import Output

SVG_SCALE = 6
PNG_SCALE = 10
BORDER = 4
CODE_VERSION = 1  # bump when qr_svg() or qr_png() would write other bytes for the same URL
CACHE_KIND = "qr"


@dataclass(frozen=True)
class QrCode:
    """Where a page's QR files live (docs-relative) and what they encode."""

    page_dir: str  # e.g. towns/chengnan/qingchuan/
    url: str  # the absolute public URL encoded in the code

    @property
    def svg(self) -> str:
        return urls.qr_svg(self.page_dir)

    @property
    def png(self) -> str:
        return urls.qr_png(self.page_dir)


def qr_for(context: SiteContext, page_dir: str) -> QrCode:
    return QrCode(page_dir, urls.public(context.config.site.url, page_dir))


# A fixed data mask: the standard allows any of the eight masks; scoring all
# eight (segno's default) costs ~8x the encoding time and, for short URLs,
# buys nothing a phone camera notices.  Measured: 33 ms -> 4 ms per code.
MASK = 2


def _code(url: str) -> segno.QRCode:
    return segno.make(url, error="m", micro=False, mask=MASK)


def qr_svg(url: str, code: segno.QRCode | None = None) -> bytes:
    buf = io.BytesIO()
    (code or _code(url)).save(buf, kind="svg", scale=SVG_SCALE, border=BORDER, dark="#000", light="#fff", xmldecl=True,
                    title=url, svgclass=None, lineclass=None)
    return buf.getvalue()


def qr_png(url: str, code: segno.QRCode | None = None) -> bytes:
    """The code as a black-and-white PNG (Pillow's C encoder; segno's pure-Python one is ~10x slower)."""
    matrix = (code or _code(url)).matrix
    border = BORDER
    side = len(matrix) + 2 * border
    img = Image.new("1", (side, side), 1)
    img.putdata([0 if (border <= y < side - border and border <= x < side - border
                       and matrix[y - border][x - border]) else 1
                 for y in range(side) for x in range(side)])
    buf = io.BytesIO()
    img.resize((side * PNG_SCALE, side * PNG_SCALE), Image.Resampling.NEAREST).save(buf, "PNG")
    return buf.getvalue()




def qr_files(url: str, cache_dir: Path | None = None) -> tuple[bytes, bytes]:
    """``qr.svg`` and ``qr.png`` for ``url``, from ``cache_dir`` when it has them."""
    key = cache_key("qr", CODE_VERSION, source_digest(__file__), segno.__version__, pillow_versions(), url, MASK,
                    SVG_SCALE, PNG_SCALE, BORDER)
    cached = read_entry(cache_dir, CACHE_KIND, key)
    if cached is not None and len(cached) == 2:
        return cached[0], cached[1]
    code = _code(url)
    svg, png = qr_svg(url, code), qr_png(url, code)
    write_entry(cache_dir, CACHE_KIND, key, [svg, png])
    return svg, png


def render_board_qr_codes(context: SiteContext, output: Output) -> None:
    """Write ``qr.svg`` and ``qr.png`` beside every community board."""
    _write_codes(context, output, [c.url for c in context.district.communities() if output.covers(c.key)])


def render_brand_qr_codes(context: SiteContext, output: Output) -> None:
    """Write ``qr.svg`` and ``qr.png`` beside every brand page (the brand's community's files)."""
    _write_codes(context, output, [urls.brand(b.id) for c in context.district.communities() if output.covers(c.key)
                                   for b in c.brands.brands])


def _write_codes(context: SiteContext, output: Output, page_dirs: list[str]) -> None:
    cache_dir = cache_folder(context.project)
    for page_dir in page_dirs:
        code = qr_for(context, page_dir)
        svg, png = qr_files(code.url, cache_dir)
        output.add_file(code.svg, svg)
        output.add_file(code.png, png)
