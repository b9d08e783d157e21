"""User Markdown -> sanitized HTML. Sanitizing happens *after* rendering, with nh3.

Three layers, one per kind of input:

* record Markdown fields (a brand's ``body``): :func:`render_markdown`, a small
  allow-list; images only as relative paths without ``..``;
* hand-written ``content/`` pages: :func:`sanitize_page` on the engine's rendered
  HTML, a page-sized allow-list (headings with ids, admonitions, tables); the
  theme's own classes and reserved ids are passed in by ``engine/``;
* every page: :class:`SafeMarkdown`, a Python-Markdown extension that drops
  event handlers, ``style`` and unsafe URLs from elements that Markdown syntax
  created, so a record value such as ``[x](javascript:…)`` or
  ``x {: onclick=…}`` that a template puts into Markdown stays inert.
"""

from __future__ import annotations

import html as html_lib
import re
import xml.etree.ElementTree as ET
from typing import Any

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "u", "s", "del", "ins", "sub", "sup", "blockquote", "code", "pre",
    "ul", "ol", "li", "dl", "dt", "dd", "h2", "h3", "h4", "h5", "h6", "hr", "a", "img",
    "table", "thead", "tbody", "tr", "th", "td", "caption", "span", "abbr", "mark", "figure", "figcaption",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"align", "colspan", "rowspan"},
    "td": {"align", "colspan", "rowspan"},
    "abbr": {"title"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

PAGE_TAGS = ALLOWED_TAGS | {"h1", "div", "details", "summary", "small", "time", "kbd", "q", "cite"}
PAGE_ATTRIBUTES = {
    **ALLOWED_ATTRIBUTES,
    "*": {"id", "title", "lang"},
    "th": {"align", "colspan", "rowspan", "style"},
    "td": {"align", "colspan", "rowspan", "style"},
    "img": {"src", "alt", "title", "width", "height", "loading"},
    "time": {"datetime"},
    "details": {"open"},
}
PAGE_CLASSES = {
    "div": {"admonition", "note", "abstract", "info", "tip", "success", "question", "warning", "failure",
            "danger", "bug", "example", "quote"},
    "p": {"admonition-title"},
}

_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.I)
_IGNORED = dict.fromkeys(range(0x21)) | {0x7F: None}  # browsers drop these inside and around URLs
URL_ATTRIBUTES = {"href", "src", "srcset", "action", "formaction", "poster", "data", "background", "cite",
                  "longdesc", "ping", "xlink:href"}


def _decoded(value: str) -> str:
    return html_lib.unescape(value).translate(_IGNORED)


def safe_link(value: str) -> bool:
    """http, https, mailto, tel, or a path/fragment (no javascript:, data:, vbscript: …)."""
    scheme = _SCHEME.match(_decoded(value))
    return scheme is None or scheme.group(1).lower() in URL_SCHEMES


def safe_image(value: str, *, parent: bool) -> bool:
    """A relative path; ``parent`` allows ``..`` (the engine writes those for pages in folders)."""
    v = _decoded(value)
    if not v or _SCHEME.match(v) or v.startswith(("/", "\\")) or "\\" in v:
        return False
    return parent or ".." not in v.split("/")


def _filter(parent: bool, reserved_id_prefix: str | None = None):  # type: ignore[no-untyped-def]
    def keep(tag: str, attr: str, value: str) -> str | None:
        if tag == "img" and attr == "src":
            return value if safe_image(value, parent=parent) else None
        if reserved_id_prefix and attr == "id" and value.startswith(reserved_id_prefix):
            return None  # the theme's own element ids: a page must not shadow them
        return value
    return keep


COMMON: dict[str, Any] = {"url_schemes": URL_SCHEMES, "link_rel": "noopener noreferrer", "strip_comments": True}


def sanitize(html: str) -> str:
    """Keep only an allow-list of tags/attributes; links only http(s)/mailto/tel or relative."""
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, attribute_filter=_filter(parent=False),
                     **COMMON)


def sanitize_page(html: str, extra_classes: dict[str, set[str]] | None = None,
                  reserved_id_prefix: str | None = None) -> str:
    """A hand-written page's body: like :func:`sanitize`, plus h1, heading ids, admonitions, aligned cells.

    ``extra_classes`` are the theme's classes a page may use (buttons); ids starting with
    ``reserved_id_prefix`` belong to the theme and are dropped.
    """
    classes = {tag: PAGE_CLASSES.get(tag, set()) | (extra_classes or {}).get(tag, set())
               for tag in {*PAGE_CLASSES, *(extra_classes or {})}}
    return nh3.clean(
        html,
        tags=PAGE_TAGS,
        attributes=PAGE_ATTRIBUTES,
        attribute_filter=_filter(parent=True, reserved_id_prefix=reserved_id_prefix),
        **COMMON,
        allowed_classes=classes,
        filter_style_properties={"text-align"},
    )


def render_markdown(text: str) -> str:
    """Render a record's Markdown field to safe HTML (no raw HTML survives unsanitized)."""
    html = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    return sanitize(html)


class _Scrub(Treeprocessor):
    def run(self, root: ET.Element) -> None:
        for el in root.iter():
            unsafe = [n for n, v in el.attrib.items() if n.lower().startswith("on") or n.lower() in (
                "style", "srcdoc") or (n.lower() in URL_ATTRIBUTES and not safe_link(v))]
            if el.tag in ("a", "img") and any(n in ("href", "src") for n in unsafe):
                # A link or image without its URL: keep the words (the engine requires a/img to have one).
                alt = el.get("alt", "")
                el.tag, el.attrib = "span", {}
                if alt and not el.text:
                    el.text = alt
                continue
            for name in unsafe:
                del el.attrib[name]


class SafeMarkdown(Extension):
    """Python-Markdown extension: no event handlers, styles or unsafe URLs from Markdown syntax."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(_Scrub(md), "dangjian_scrub", 0.5)  # after attr_list (8) and toc (5)
