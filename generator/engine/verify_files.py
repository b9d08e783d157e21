"""Checks of the site's files other than HTML and XML: CSS, JSON, CSV, text, images, PDF.

* **CSS** is read by tinycss2, which decodes escapes as a browser does (``u\\72l(`` is ``url(``):
  every ``url()``, ``src()``, ``image()`` and ``image-set()`` (strings in them too) and every
  ``@import`` is a request, so only ``data:`` images or site paths.  ``@namespace`` URIs are names.
  Strings and comments are looked at for personal information.
* **JSON**: search-index ``location`` values and web-manifest icons must resolve; other JSON is data
  (it may cite a news site) and is looked at for personal information, keys and numbers included.
* **CSV**: no cell that a spreadsheet would run as a formula.
* **Images** (PNG, JPEG, WebP, GIF, ICO, BMP): their text metadata (PNG text chunks, comments, EXIF,
  XMP) are looked at for personal information; a file Pillow cannot read is a finding.
* **PDF**: the text of every page, the document information and link targets (pypdf); a PDF that
  cannot be read (or is encrypted) is a finding, since it cannot be checked.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import tinycss2
from PIL import Image

from generator.engine import search_parts
from generator.engine.verify_base import CssRead, FileScan, short
from generator.messages import msg

OBJECT_REPR = re.compile(r" ?<[^<>]* at 0x[0-9a-fA-F]+>")  # a Python object as repr() shows it
NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?%?$")
FETCHING_FUNCTIONS = {"url", "src", "image", "image-set", "-webkit-image-set"}  # their strings are URLs
IN_STYLE = ("verify.where.style",)
CSS_REMEMBERED_CHARS = 4096  # style sheets up to this size are read once per process
CSS_REMEMBERED = 4096  # and at most this many
IN_IMAGE = ("verify.where.image",)
IMAGE_TEXT_BYTES = {"comment", "xmp", "XML:com.adobe.xmp"}  # text kept as bytes (others: ICC, EXIF, tRNS)
EXIF_IFDS = (0x8769, 0x8825)  # the Exif and GPS sub-directories
EXIF_UTF16 = range(0x9C9B, 0x9CA0)  # XPTitle … XPSubject: UTF-16 text in bytes
EXIF_USER_COMMENT = 0x9286  # 8 bytes naming the character set, then the text


def css(scan: FileScan, text: str) -> None:
    """A style sheet, a ``<style>`` element or a ``style`` attribute (most of them are the same few
    ``style`` values, read once per process; their URLs are checked for each file, relative to it)."""
    read = scan.site.css_read.get(text)
    if read is None:
        read = _read_css(text)
        if not read[2] and len(text) <= CSS_REMEMBERED_CHARS and len(scan.site.css_read) < CSS_REMEMBERED:
            scan.site.css_read[text] = read
    decoded, urls, broken = read
    for value in urls:
        scan.url(value, fetched=True, tag="css")
    if broken:
        scan.add("unreadable", msg("verify.bad_css"))
    scan.text(decoded, IN_STYLE)


def _read_css(text: str) -> CssRead:
    """The text of a style sheet, escapes decoded and URLs left out; the URLs it fetches; whether it is
    nested too deeply to be read (what was read before that still counts)."""
    decoded: list[str] = []
    urls: list[str] = []
    try:
        tokens = tinycss2.parse_component_value_list(text, skip_comments=False)
        _css_tokens(tokens, False, decoded, urls)
    except RecursionError:
        return "".join(decoded), tuple(urls), True
    return "".join(decoded), tuple(urls), False


def _css_tokens(tokens: list[Any], fetching: bool, decoded: list[str], urls: list[str]) -> None:
    """Collect the URLs in ``tokens`` in ``urls``; write their text, escapes decoded, to ``decoded``."""
    rule = ""  # the at-rule the tokens belong to, until its ";" or block
    for token in tokens:
        kind = token.type
        if kind == "url" or (kind == "string" and (fetching or rule == "import")):
            value = token.value
            # @namespace URIs are names; data: images are inline icons
            if rule != "namespace" and not value.strip().lower().startswith("data:image/"):
                urls.append(value)
            decoded.append(" ")
        elif kind in ("string", "comment"):
            decoded += ["\n", token.value, "\n"]
        elif kind == "function":
            decoded += [token.lower_name, "("]
            _css_tokens(token.arguments, fetching or token.lower_name in FETCHING_FUNCTIONS, decoded, urls)
            decoded.append(")")
        elif kind in ("() block", "[] block"):
            decoded.append("(")
            _css_tokens(token.content, fetching, decoded, urls)
            decoded.append(")")
        elif kind == "{} block":
            decoded.append("\n")
            _css_tokens(token.content, False, decoded, urls)
            decoded.append("\n")
            rule = ""
        else:
            if kind == "at-keyword":
                rule = token.lower_value
            elif kind == "literal" and token.value == ";":
                rule = ""
            decoded.append(_token_text(token))


def _token_text(token: Any) -> str:
    """An ident, a number or any other simple token as written, escapes decoded (``\\33 2`` is ``32``)."""
    if token.type == "whitespace":
        return " "
    number = getattr(token, "representation", None)
    if number is not None:
        return number + (getattr(token, "unit", None) or "")
    return str(getattr(token, "value", ""))


def _json_strings(value: object, key: str, out: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Every key, string and integer of a JSON document, in document order, with the key it is under."""
    if isinstance(value, str):
        out.append((key, value))
    elif isinstance(value, dict):
        for k, v in value.items():
            k = str(k)
            out.append(("", k))
            _json_strings(v, k, out)
    elif isinstance(value, list):
        for v in value:
            _json_strings(v, key, out)
    elif isinstance(value, int) and not isinstance(value, bool):
        out.append((key, str(value)))  # a number written without quotes is still a number
    return out


def _parts(doc: object) -> Iterator[str]:
    """A data document's strings in parts, one per record: each item of a top-level member that is a list, each
    member (its key with it) of one that is an object, and every other top-level member whole; a part is its
    strings joined by line breaks, as the whole document's would be (a finding never spans one)."""
    members = list(doc.items()) if isinstance(doc, dict) else [("", doc)]
    for key, value in members:
        yield str(key)
        items: list[tuple[str, object]] = ([("", v) for v in value] if isinstance(value, list)
                                           else [(str(k), v) for k, v in value.items()] if isinstance(value, dict)
                                           else [("", value)])
        for name, item in items:
            strings = [name, *(v for _, v in _json_strings(item, name, []))]
            yield "\n".join(v for v in strings if v)


def json_data(scan: FileScan, data: bytes | str, *, name: str = "") -> object:
    """A JSON file (``name`` is its site path: some files hold URLs) or a JSON script; None if unreadable."""
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        scan.add("unreadable", msg("verify.bad_json", detail=short(str(exc))))
        return None
    search_index = search_parts.is_index(name)
    if search_index:
        scan.base = ""  # the theme resolves locations against the site's root
    manifest = name.endswith(".webmanifest")
    if not (search_index or manifest):  # data: all of it is text
        if scan.site.clean_texts is not None:  # remembered part by part (one per record)
            scan.text_in_parts(_parts(doc))
        else:
            scan.text("\n".join(value for _, value in _json_strings(doc, "", []) if value))
        return doc
    strings = _json_strings(doc, "", [])
    for key, value in strings:
        if search_index and key == "location":
            scan.url(value, fetched=False, tag="search location")
        elif manifest and key in ("src", "start_url", "scope"):
            scan.url(value, fetched=True, tag="manifest")
        else:
            scan.text(value)
    return doc


def formula(text: str) -> str | None:
    """The first CSV cell that a spreadsheet would run as a formula (=, +, -, @; not a plain number)."""
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not NUMBER.match(cell):
                return cell
    return None


def text_file(scan: FileScan, data: bytes, suffix: str) -> None:
    text = data.decode("utf-8", "replace")
    if suffix == ".csv" and (cell := formula(text)):
        scan.add("unsafe", msg("verify.formula", cell=short(cell, 40)))
    scan.text(text)


def _exif_text(tag: int, value: object) -> str:
    """An EXIF value as text; binary values (maker notes, thumbnails) are not text and are left out."""
    if isinstance(value, bytes):
        if tag in EXIF_UTF16:
            return value.decode("utf-16-le", "replace")
        if tag == EXIF_USER_COMMENT:
            code, body = value[:8], value[8:]
            return body.decode("utf-16" if code.startswith(b"UNICODE") else "utf-8", "replace")
        return ""
    return value if isinstance(value, str) else ""


def image(scan: FileScan, data: bytes) -> None:
    """An image's text metadata.  Other formats hold it before the image data, where Pillow reads it when
    it opens the file; PNG text chunks may follow the data, so a PNG is decoded (the site's are small)."""
    parts: list[str] = []
    try:
        with Image.open(io.BytesIO(data)) as im:
            if im.format == "PNG":
                im.load()
            for key, value in im.info.items():
                if isinstance(value, bytes) and key in IMAGE_TEXT_BYTES:
                    value = value.decode("utf-8", "replace")
                if isinstance(value, str):  # PNG text chunks (Pillow decodes them), GIF and JPEG comments
                    parts += [str(key), value]
            exif = im.getexif()
            for ifd in [exif, *(exif.get_ifd(i) for i in EXIF_IFDS if i in exif)]:
                parts += [_exif_text(tag, value) for tag, value in ifd.items()]
    except Exception as exc:  # whatever Pillow raises, the file cannot be checked
        detail = OBJECT_REPR.sub("", str(exc)) or type(exc).__name__  # Pillow names the BytesIO by its address
        scan.add("unreadable", msg("verify.bad_image", detail=short(detail)))
        return
    scan.text("\n".join(p for p in parts if p), IN_IMAGE)


def pdf(scan: FileScan, data: bytes) -> None:
    """A PDF's page text, document information and link targets."""
    from pypdf import PdfReader

    log = logging.getLogger("pypdf")
    level = log.level
    log.setLevel(logging.ERROR)  # pypdf warns about every small flaw of the file
    parts: list[str] = []
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ValueError("encrypted")
        parts += [str(v) for v in (reader.metadata or {}).values()]
        for page in reader.pages:
            parts.append(page.extract_text())
            for annot in page.get("/Annots") or []:
                annot = annot.get_object()
                action = annot.get("/A")
                action = action.get_object() if action is not None else {}
                parts += [str(v) for v in (annot.get("/Contents"), action.get("/URI")) if v is not None]
    except Exception as exc:  # whatever pypdf raises, the file cannot be checked
        scan.add("unreadable", msg("verify.bad_pdf", detail=short(str(exc) or type(exc).__name__)))
        return
    finally:
        log.setLevel(level)
    scan.text("\n".join(parts))

