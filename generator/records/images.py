"""Brand images for the web: resized, re-encoded without metadata, deterministic.

Photos from a phone carry EXIF (camera, time, sometimes GPS); re-encoding drops
all of it.  ``describe`` reads only the header, so page producers can know the
output sizes cheaply; ``encode`` does the pixel work once, for the media files.

Given a cache folder (:mod:`generator.cache`), ``encode`` and ``clean_copy`` do the pixel work once
per input, not once per build: the key is the source bytes, the output sizes and settings,
:data:`CODE_VERSION`, this module's source and the versions of Pillow and its codecs.  Only successes are kept; a file
that cannot be read is refused again by every build.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import PIL
from PIL import Image, ImageOps, UnidentifiedImageError, features

from generator.cache import cache_key, read_entry, write_entry
from generator.messages import Msg, msg

MAX_PIXELS = 40_000_000  # a phone photo is 12–50 MP; more is a decompression bomb, not a picture
LARGE = 960  # brand page, Open Graph image, big screen
SMALL = 480  # gallery thumbnails and the small srcset candidate
JPEG_QUALITY = 80
FORMATS = {".jpg": ("JPEG", "jpg"), ".jpeg": ("JPEG", "jpg"), ".png": ("PNG", "png"), ".webp": ("WEBP", "webp")}
_ORIENTATION = 0x0112
_SWAPS = {5, 6, 7, 8}  # EXIF orientations that rotate by 90 degrees
CODE_VERSION = 1  # bump when encode() or clean_copy() would write other bytes for the same input
CACHE_KIND = "images"


@cache
def source_digest(path: str) -> str:
    """SHA-256 of a module's source, part of its cache keys: an edited encoder never meets its old output,
    even when nobody remembers to bump the code version."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@cache
def pillow_versions() -> tuple[str, ...]:
    """Pillow's version and its codecs' (libjpeg, zlib, libwebp): the encoded bytes depend on all of them."""
    names = ("jpg", "libjpeg_turbo", "zlib", "zlib_ng", "webp")  # an unknown name gives None: still a key part
    return (PIL.__version__, *(str(features.version(name)) for name in names))


class ImageProblem(Exception):
    """The file is not an image Pillow can read; ``message`` says why, in the catalogue's words."""

    def __init__(self, message: Msg) -> None:
        super().__init__(message.text("en"))
        self.message = message


def _unsupported(source: Path) -> ImageProblem:
    return ImageProblem(msg("images.unsupported_type", suffix=source.suffix))


def _unreadable(exc: Exception) -> ImageProblem:
    return ImageProblem(msg("images.cannot_read", reason=str(exc)))


_BAD_IMAGE = (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError, SyntaxError)


def _open(source: Path | io.BytesIO) -> Image.Image:
    """Open an image, refusing one whose header claims more pixels than any photo has."""
    try:
        im = Image.open(source)
    except Image.DecompressionBombError:  # Pillow's own limit, met before ours for a huge header
        raise ImageProblem(msg("images.bomb", limit=MAX_PIXELS // 10_000)) from None
    if im.width * im.height > MAX_PIXELS:
        im.close()
        raise ImageProblem(msg("images.too_many_pixels", width=im.width, height=im.height))
    return im


def clean_copy(data: bytes, suffix: str, cache_dir: Path | None = None) -> bytes:
    """``data`` decoded and encoded again, so nothing but pixels is published (no EXIF, GPS, text chunks,
    XMP or ICC profile); a PNG's content must really be a PNG, and so on for every kind."""
    kind = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP", ".gif": "GIF"}.get(suffix.lower())
    if kind is None:
        raise ImageProblem(msg("images.unsupported_type", suffix=suffix))
    key = cache_key("clean_copy", CODE_VERSION, source_digest(__file__), pillow_versions(), kind, JPEG_QUALITY,
                    MAX_PIXELS, data)
    cached = read_entry(cache_dir, CACHE_KIND, key)
    if cached is not None and len(cached) == 1:
        return cached[0]
    out = _clean_copy(data, suffix, kind)
    write_entry(cache_dir, CACHE_KIND, key, [out])
    return out


def _clean_copy(data: bytes, suffix: str, kind: str) -> bytes:
    try:
        with _open(io.BytesIO(data)) as im:
            if im.format != kind:
                raise ImageProblem(msg("images.wrong_format", suffix=suffix, found=im.format or "?"))
            frames = getattr(im, "n_frames", 1)
            im.load()
            upright = ImageOps.exif_transpose(im) if kind != "GIF" else im
            if kind == "JPEG" and upright.mode not in ("RGB", "L"):
                upright = upright.convert("RGB")
            if kind in ("PNG", "WEBP") and upright.mode not in ("RGB", "RGBA", "L", "LA", "P"):
                upright = upright.convert("RGBA")
            out = io.BytesIO()
            options: dict[str, object] = {"optimize": True} if kind in ("PNG", "JPEG") else {}
            if kind == "JPEG":
                options["quality"] = JPEG_QUALITY
            if kind == "GIF" and frames > 1:
                options.update(save_all=True, loop=im.info.get("loop", 0))
            upright.save(out, kind, **options)
            return out.getvalue()
    except ImageProblem:
        raise
    except _BAD_IMAGE as exc:
        raise _unreadable(exc) from exc


@dataclass(frozen=True)
class Rendition:
    path: str  # docs-relative, e.g. media/brands/<id>/01-hall-960.jpg
    width: int
    height: int


@dataclass(frozen=True)
class WebImage:
    source: Path
    alt: str
    large: Rendition
    small: Rendition

    @property
    def renditions(self) -> tuple[Rendition, ...]:
        return (self.large,) if self.small == self.large else (self.small, self.large)


def _stem(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", Path(name).stem).strip("-").lower() or "image"


def scaled(width: int, height: int, target: int) -> tuple[int, int]:
    """Size after fitting into ``target`` pixels wide; never upscales."""
    if width <= target:
        return width, height
    return target, max(1, round(height * target / width))


def describe(source: Path, alt: str, folder: str, index: int) -> WebImage:
    """Plan the renditions of ``source`` (reads the header only)."""
    fmt = FORMATS.get(source.suffix.lower())
    if fmt is None:
        raise _unsupported(source)
    width, height, orientation = _header(source)
    if orientation in _SWAPS:
        width, height = height, width
    base = f"{folder}/{index + 1:02d}-{_stem(source.name)}"
    lw, lh = scaled(width, height, LARGE)
    sw, sh = scaled(width, height, SMALL)
    large = Rendition(f"{base}-{lw}.{fmt[1]}", lw, lh)
    small = large if (sw, sh) == (lw, lh) else Rendition(f"{base}-{sw}.{fmt[1]}", sw, sh)
    return WebImage(source, alt, large, small)


def _header(source: Path) -> tuple[int, int, Any]:
    """Width, height and EXIF orientation, read once per version of the file (a PNG's EXIF may follow its
    pixels, so Pillow reads the whole file for it; the site's views ask for every image at every render)."""
    try:
        st = source.stat()
    except OSError as exc:
        raise _unreadable(exc) from exc
    return header_of(str(source), st.st_ino, st.st_size, st.st_mtime_ns)


_KNOWN: dict[tuple[str, int, int, int], tuple[int, int, Any]] = {}  # headers an earlier build read


def remember_header(stamp: tuple[str, int, int, int], header: tuple[int, int, Any]) -> None:
    """``header`` is the width, height and orientation of the file of ``stamp`` (``images_checked``)."""
    _KNOWN[stamp] = header


def header_of(source: str, inode: int, size: int, mtime_ns: int) -> tuple[int, int, Any]:
    """Width, height and EXIF orientation of the file ``source`` while it has this inode, size and time."""
    known = _KNOWN.get((source, inode, size, mtime_ns))
    return known if known is not None else _header_of(source, inode, size, mtime_ns)


@lru_cache(maxsize=4096)  # failures raise, and are not kept
def _header_of(source: str, _inode: int, _size: int, _mtime_ns: int) -> tuple[int, int, Any]:
    try:
        with _open(Path(source)) as im:
            return im.width, im.height, im.getexif().get(_ORIENTATION, 1)
    except _BAD_IMAGE as exc:
        raise _unreadable(exc) from exc


def check_decodes(source: Path) -> None:
    """Read the whole file as ``encode`` will, cheaply, so ``check`` finds what ``build`` would refuse.

    The header alone (``describe``) passes a truncated or corrupt photo; here every
    byte is decoded, JPEGs at 1/8 scale (libjpeg's DCT scaling), which costs a
    fraction of a full decode.
    """
    if FORMATS.get(source.suffix.lower()) is None:
        raise _unsupported(source)
    try:
        with _open(source) as im:
            im.draft("RGB", (max(1, im.width // 8), max(1, im.height // 8)))
            im.load()
    except _BAD_IMAGE as exc:
        raise _unreadable(exc) from exc


def encode(image: WebImage, cache_dir: Path | None = None) -> dict[str, bytes]:
    """The bytes of every rendition, keyed by docs-relative path (from ``cache_dir`` when it has them)."""
    fmt = FORMATS[image.source.suffix.lower()][0]
    try:
        data = image.source.read_bytes()
    except OSError as exc:
        raise _unreadable(exc) from exc
    sizes = [(r.width, r.height) for r in image.renditions]
    key = cache_key("encode", CODE_VERSION, source_digest(__file__), pillow_versions(), fmt, sizes, JPEG_QUALITY,
                    MAX_PIXELS, data)
    blobs = read_entry(cache_dir, CACHE_KIND, key)
    if blobs is None or len(blobs) != len(sizes):
        blobs = _encode(data, fmt, sizes)
        write_entry(cache_dir, CACHE_KIND, key, blobs)
    return {r.path: blob for r, blob in zip(image.renditions, blobs, strict=True)}


def _encode(data: bytes, fmt: str, sizes: list[tuple[int, int]]) -> list[bytes]:
    """The pixel work: decode, turn upright, resize to each of ``sizes`` and encode without metadata."""
    try:
        with _open(io.BytesIO(data)) as im:
            im.load()
            upright = ImageOps.exif_transpose(im)
    except _BAD_IMAGE as exc:
        raise _unreadable(exc) from exc
    if fmt == "JPEG" and upright.mode != "RGB":
        upright = upright.convert("RGB")
    out: list[bytes] = []
    for size in sizes:
        pixels = upright if upright.size == size else upright.resize(size, Image.Resampling.LANCZOS)
        buf = io.BytesIO()
        if fmt == "JPEG":
            pixels.save(buf, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
        elif fmt == "PNG":
            pixels.save(buf, "PNG", compress_level=6)
        else:
            pixels.save(buf, "WEBP", quality=JPEG_QUALITY, method=4)
        out.append(buf.getvalue())
    return out
