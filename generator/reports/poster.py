"""The share poster of a brand (Pillow): a tall PNG that residents save and forward in WeChat.

1080 × 1920 pixels: the district and community, the brand's name (and 示范品牌 when it is one), its
summary, two or three key numbers, the QR code of the permanent link (long-press opens it in WeChat)
and the site's name.  Dark text on white and white on deep red (contrast above 6:1).  Chinese text
wraps by character without starting a line with closing punctuation.  The same brief and font give
the same bytes.

The font comes from ``--font``, else the first usable file of :data:`KNOWN_FONTS`, else what
``fc-match`` offers for Chinese; a font without Chinese glyphs is refused (it would print boxes).
"""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from generator.messages import Msg, msg, t
from generator.pages.qr import PNG_SCALE
from generator.reports.brief import Brief

WIDTH, HEIGHT = 1080, 1920
MARGIN = 80
TEXT_WIDTH = WIDTH - 2 * MARGIN
RED = (183, 28, 28)  # #b71c1c: white on it is 6.6:1
DARK_RED = (127, 0, 0)
INK = (26, 26, 26)
GREY = (66, 66, 66)
PAPER = (255, 255, 255)
GOLD = (255, 214, 102)
QR_SIZE = 420  # at most; the code is scaled by a whole number of pixels per module
FOOTER = 150
NUMBERS_H = 250  # the key numbers' row: value, unit and a label of up to two lines

KNOWN_FONTS: tuple[str, ...] = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # Debian, Ubuntu: fonts-noto-cjk
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",  # Arch
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",  # Fedora
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",  # macOS
    "/System/Library/Fonts/STHeiti Medium.ttc",
    "C:/Windows/Fonts/msyh.ttc",  # Windows: 微软雅黑
    "C:/Windows/Fonts/simhei.ttf",
)
FC_MATCH = "fc-match"
NO_LINE_START = set("，。、；：？！）》」』】〕”’…—·,.;:?!)]}%")
NO_LINE_END = set("（《「『【〔“‘([{")


class FontError(Exception):
    def __init__(self, message: Msg) -> None:
        super().__init__(message.text("en"))
        self.message = message


@dataclass(frozen=True)
class FontFile:
    path: Path
    index: int = 0  # the face within a .ttc collection


def _face(path: Path) -> int:
    """In a collection, the Simplified Chinese face (Noto CJK holds JP, KR, SC, TC, HK)."""
    for i in range(32):
        try:
            family = ImageFont.truetype(str(path), 16, index=i).getname()[0] or ""
        except OSError:
            break
        if " SC" in family or family.endswith("SC") or "GB" in family:
            return i
    return 0


def _ink(face: ImageFont.FreeTypeFont, text: str) -> bytes:
    im = Image.new("L", (160, 80), 0)
    ImageDraw.Draw(im).text((8, 8), text, font=face, fill=255)
    return im.tobytes()


def _has_chinese(font: FontFile) -> bool:
    face = ImageFont.truetype(str(font.path), 48, index=font.index)
    glyph = _ink(face, "党建")
    missing = _ink(face, "\ue000\ue001")  # private-use code points: the "no glyph" box
    return bool(glyph.strip(b"\x00")) and glyph != missing


def _usable(path: Path, index: int | None = None) -> FontFile | None:
    try:
        font = FontFile(path, _face(path) if index is None else index)
        return font if _has_chinese(font) else None
    except OSError:
        return None


def _fc_match(program: str | None) -> FontFile | None:
    if not program or shutil.which(program) is None:
        return None
    try:
        proc = subprocess.run([program, "-f", "%{file}\t%{index}", "sans-serif:lang=zh-cn"],
                              capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    file, _, index = proc.stdout.partition("\t")
    if proc.returncode != 0 or not file or not Path(file).is_file():
        return None
    return _usable(Path(file), int(index) if index.isdigit() else None)


def find_font(option: str | None) -> FontFile:
    """The poster's font: ``--font`` when given (checked), else one of :data:`KNOWN_FONTS`, else fc-match's choice."""
    if option:
        path = Path(option)
        if not path.is_file():
            raise FontError(msg("brief.font.missing", path=option))
        try:
            font = FontFile(path, _face(path))
            chinese = _has_chinese(font)
        except OSError:
            raise FontError(msg("brief.font.unreadable", path=option)) from None
        if not chinese:
            raise FontError(msg("brief.font.no_cjk", path=option))
        return font
    for candidate in KNOWN_FONTS:
        path = Path(candidate)
        found = _usable(path) if path.is_file() else None
        if found is not None:
            return found
    found = _fc_match(FC_MATCH)
    if found is None:
        raise FontError(msg("brief.font.none"))
    return found


def bold_of(font: FontFile) -> FontFile:
    """The bold file beside a regular one (NotoSansCJK-Regular.ttc -> NotoSansCJK-Bold.ttc), else the same."""
    name = font.path.name
    if "Regular" in name:
        bold = font.path.with_name(name.replace("Regular", "Bold"))
        if bold.is_file():
            found = _usable(bold, font.index)
            if found is not None:
                return found
    return font


class _Faces:
    def __init__(self, regular: FontFile) -> None:
        self.files = {False: regular, True: bold_of(regular)}
        self.cache: dict[tuple[int, bool], ImageFont.FreeTypeFont] = {}

    def __call__(self, size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
        key = (size, bold)
        if key not in self.cache:
            f = self.files[bold]
            self.cache[key] = ImageFont.truetype(str(f.path), size, index=f.index)
        return self.cache[key]


def _tokens(text: str) -> list[str]:
    """Units a line may not break inside: a Latin word or number, or one Chinese character with its punctuation."""
    out: list[str] = []
    for ch in " ".join(text.split()):
        if out and (ch in NO_LINE_START or (ch.isascii() and ch.isalnum() and out[-1][-1:].isascii()
                                            and out[-1][-1:].isalnum()) or out[-1][-1:] in NO_LINE_END):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    line = ""
    for token in _tokens(text):
        if line and font.getlength(line + token) > width:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines


def clip(lines: list[str], count: int, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """At most ``count`` lines, the last ending in … when text was cut."""
    if len(lines) <= count:
        return lines
    last = lines[count - 1]
    while last and font.getlength(last + "…") > width:
        last = last[:-1]
    return [*lines[: count - 1], last + "…"]


def _centre(draw: ImageDraw.ImageDraw, y: int, text: str, font: ImageFont.FreeTypeFont,
            fill: tuple[int, int, int], left: int = 0, width: int = WIDTH) -> None:
    draw.text((left + (width - font.getlength(text)) / 2, y), text, font=font, fill=fill)


def _qr(qr_png: bytes) -> Image.Image:
    code = Image.open(io.BytesIO(qr_png)).convert("L")
    modules = code.width // PNG_SCALE
    scale = max(QR_SIZE // modules, 1)
    small = code.resize((modules, modules), Image.Resampling.NEAREST)
    return small.resize((modules * scale, modules * scale), Image.Resampling.NEAREST)


def _header(draw: ImageDraw.ImageDraw, b: Brief, face: _Faces) -> int:
    """The red band: place, 示范品牌, name, theme. Returns its height."""
    y = 96
    small = face(40)
    for line in clip(wrap(b.place, small, TEXT_WIDTH), 2, small, TEXT_WIDTH):
        draw.text((MARGIN, y), line, font=small, fill=PAPER)
        y += 56
    y += 28
    if b.view.is_model:
        badge = face(38, bold=True)
        label = t("brief.poster.model")
        w = int(badge.getlength(label)) + 48
        draw.rounded_rectangle((MARGIN, y, MARGIN + w, y + 64), radius=12, fill=GOLD)
        draw.text((MARGIN + 24, y + 8), label, font=badge, fill=DARK_RED)
        y += 96
    for size in (96, 84, 72, 64):
        name_font = face(size, bold=True)
        lines = wrap(b.name, name_font, TEXT_WIDTH)
        if len(lines) <= 3:
            break
    lines = clip(lines, 3, name_font, TEXT_WIDTH)
    for line in lines:
        draw.text((MARGIN, y), line, font=name_font, fill=PAPER)
        y += int(size * 1.3)
    y += 16
    theme = face(40)
    for line in clip(wrap(t("brief.poster.theme", theme=b.view.brand.theme), theme, TEXT_WIDTH), 2, theme,
                     TEXT_WIDTH):
        draw.text((MARGIN, y), line, font=theme, fill=PAPER)
        y += 56
    return y + 56


def _numbers(draw: ImageDraw.ImageDraw, b: Brief, face: _Faces, y: int) -> int:
    value_font, unit_font, label_font = face(120, bold=True), face(44, bold=True), face(38)
    column = TEXT_WIDTH // len(b.numbers)
    for i, n in enumerate(b.numbers):
        left = MARGIN + i * column
        value, unit = str(n.value), n.unit
        width = value_font.getlength(value) + (unit_font.getlength(unit) + 8 if unit else 0)
        x = left + (column - width) / 2
        draw.text((x, y), value, font=value_font, fill=RED)
        if unit:
            draw.text((x + value_font.getlength(value) + 8, y + 62), unit, font=unit_font, fill=RED)
        for j, line in enumerate(clip(wrap(n.label, label_font, column - 16), 2, label_font, column - 16)):
            _centre(draw, y + 156 + j * 46, line, label_font, GREY, left, column)
    return y + NUMBERS_H


def poster_png(b: Brief, font: FontFile, qr_png: bytes) -> bytes:
    """The poster as PNG bytes (``qr_png`` is the brand page's code, :func:`generator.pages.qr.qr_png`)."""
    face = _Faces(font)
    img = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(img)
    header = _header(ImageDraw.Draw(Image.new("RGB", (1, 1))), b, face)  # a dry run measures the red band
    draw.rectangle((0, 0, WIDTH, header), fill=RED)
    _header(draw, b, face)

    footer_top = HEIGHT - FOOTER
    code = _qr(qr_png)
    url_font, caption_font = face(28), face(40, bold=True)
    url_lines = clip(wrap(b.url, url_font, TEXT_WIDTH), 2, url_font, TEXT_WIDTH)
    url_y = footer_top - 40 - 40 * len(url_lines)
    caption_y = url_y - 64
    qr_y = caption_y - 20 - code.height
    img.paste(code, ((WIDTH - code.width) // 2, qr_y))
    _centre(draw, caption_y, t("brief.poster.scan"), caption_font, INK)
    for j, line in enumerate(url_lines):
        _centre(draw, url_y + 40 * j, line, url_font, GREY)

    numbers_h, line_h = NUMBERS_H, 60
    summary_font = face(42)
    y = header + 56
    room = max((qr_y - 48 - numbers_h - y) // line_h, 0)
    for line in clip(wrap(b.view.brand.summary, summary_font, TEXT_WIDTH), min(room, 6), summary_font, TEXT_WIDTH):
        draw.text((MARGIN, y), line, font=summary_font, fill=INK)
        y += line_h
    _numbers(draw, b, face, y + max((qr_y - y - numbers_h) // 2, 24))  # midway between the summary and the code

    draw.rectangle((0, footer_top, WIDTH, HEIGHT), fill=DARK_RED)
    site_font = face(36)
    label = b.site_name
    if b.sample_data:
        label = f"{label} · {t('brief.poster.sample')}"
    lines = clip(wrap(label, site_font, TEXT_WIDTH), 2, site_font, TEXT_WIDTH)
    top = footer_top + (FOOTER - 50 * len(lines)) // 2
    for j, line in enumerate(lines):
        _centre(draw, top + 50 * j, line, site_font, PAPER)
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=True)
    return buf.getvalue()
