"""Checks of HTML pages and of XML files (sitemap, feed, SVG), each parsed once with lxml.

**HTML** (one pass over the tree):

* every URL attribute (``href``, ``src``, ``srcset``, ``action``, meta refresh in any of its forms,
  ``og:`` URLs, CSS in ``style`` and ``<style>``) must be ``http(s)``/``mailto``/``tel`` or a path that
  resolves to a file of the site.  Whatever the browser fetches by itself must come from the site's
  own host; plain links (``<a href>``) to other sites are allowed (no request until a resident clicks).
* ``<script src>`` must name a ``.js`` file of the site (whose hash is checked with the site's files);
  an inline script anywhere in the page must be one our templates, the theme or Material write
  (:mod:`generator.engine.verify_trust`); JSON data scripts are data.  Event handlers and
  ``<iframe>``/``<object>``/``<embed>`` are findings.
* personal information is looked for in the page's text, built as a browser shows it: inline elements
  (``138<b>1234</b>5678``) join without a break, block elements are lines of their own; and in every
  attribute, comment, style sheet and script, and in the query and fragment of every URL.

**XML**, parsed without entities or network: URL elements and attributes as above; namespace URIs
such as ``http://www.w3.org/2000/svg`` are names, not references.  SVG carries no scripts or handlers.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from generator.engine import material
from generator.engine.verify_base import FileScan, short
from generator.engine.verify_files import css, json_data
from generator.messages import msg

URL_ATTRS = {"href", "src", "poster", "action", "formaction", "data", "background", "manifest", "ping",
             "xlink:href", "longdesc", "codebase", "cite", "itemtype"}
LINK_ATTRS = {"href", "xlink:href"}  # on <a> and <area>: followed on a click, not fetched
SRCSET_ATTRS = {"srcset", "imagesrcset"}
CSS_URL_ATTRS = {"fill", "stroke", "filter", "clip-path", "mask", "marker-start", "marker-mid", "marker-end",
                 "cursor"}  # SVG presentation attributes, read as CSS: url() in them is a request
ATTR_KINDS = {**dict.fromkeys(URL_ATTRS, "url"), **dict.fromkeys(SRCSET_ATTRS, "srcset"),
              **dict.fromkeys({"style", *CSS_URL_ATTRS}, "css")}
ANIMATION_TAGS = {"animate", "set"}  # SVG elements that set another attribute of their parent
ACTIVE_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "portal"}
META_URL_NAMES = re.compile(r"^(?:og:(?:url|image|image:url|image:secure_url|video|audio)|twitter:image|"
                            r"msapplication-\w+)$")
REFRESH = re.compile(r"\s*[0-9.]*\s*[;,]?\s*(?:url\s*=\s*)?", re.I)
# Elements a browser lays out inline: text on either side of them runs on as one line.
INLINE = frozenset({"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "i", "kbd", "mark", "q",
                    "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr"})
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
                  "wbr"})
JSON_TYPES = {"application/json", "application/ld+json"}
SCRIPT_SUFFIXES = (".js", ".mjs")
IN_COMMENT = ("verify.where.comment",)
IN_SCRIPT = ("verify.where.script",)
# lxml.etree's parser, not lxml.html's: the latter looks up a Python class for every element.
HTML_PARSER = etree.HTMLParser(encoding="utf-8", no_network=True, huge_tree=True, default_doctype=False)

XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
XML_FETCHED_TAGS = {"loc", "icon", "logo", "url"}  # sitemap pages, feed images: fetched by crawlers/readers
XML_LINK_TAGS = {"link", "comments"}  # RSS item links: followed by a reader's click
XML_HTML_TAGS = {"description", "content", "summary", "encoded"}
SVG_INLINE = frozenset({"tspan", "a", "textPath"})  # runs of text inside <text>
ATOM = "{http://www.w3.org/2005/Atom}"


def refresh_target(content: str) -> str:
    """Where ``<meta http-equiv="refresh">`` sends the browser: ``0; url=x``, ``0;x``, ``0, 'x'`` …"""
    rest = content[REFRESH.match(content).end():].strip()  # type: ignore[union-attr]  # it matches ""
    if rest[:1] in ("'", '"'):
        rest = rest[1:].split(rest[0], 1)[0]
    return rest


class HtmlScan:
    """One HTML document (a page, or HTML in a feed entry) of a file."""

    def __init__(self, scan: FileScan, theme_page: bool) -> None:
        self.scan = scan
        self.theme_page = theme_page  # a page the theme wrapped: only its content area holds user content

    def document(self, data: bytes) -> None:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            self.scan.add("unreadable", msg("verify.not_utf8"))
            data = data.decode("utf-8", "replace").encode("utf-8")
        try:
            root = etree.fromstring(data, parser=HTML_PARSER)
        except (etree.XMLSyntaxError, ValueError) as exc:
            self.scan.add("unreadable", msg("verify.bad_html", detail=short(str(exc))))
            return
        if root is not None:  # None: nothing but white space
            self._walk(root)

    def _walk(self, root: Any) -> None:
        scan = self.scan
        for el in root.iter():
            tag = el.tag
            if not isinstance(tag, str):  # a comment (processing instructions are comments in HTML)
                scan.text(el.text or "", IN_COMMENT)
                continue
            items = el.items()  # one call: lxml's attribute proxy costs a lookup per use
            if items:
                self._attrs(el, tag, items)
            if tag in ACTIVE_TAGS:
                scan.add("unsafe", msg("verify.active_tag", tag=tag))
            if tag == "script":
                self._script(el, el.attrib)
                el.text = None
            elif tag == "style":
                css(scan, el.text or "")
                el.text = None
            if tag not in INLINE:  # a line of its own in the page text
                if tag not in VOID:
                    text = el.text
                    el.text = "\n" + text if text else "\n"
                tail = el.tail
                el.tail = "\n" + tail if tail else "\n"
        scan.text(etree.tostring(root, method="text", encoding=str))

    def _attrs(self, el: Any, tag: str, items: list[tuple[str, str]]) -> None:
        """The attributes ``items`` (name, value) of the element ``el``."""
        scan = self.scan
        attrs = scan.attrs
        url_content = False
        if tag == "meta":
            content = el.get("content", "")
            key = (el.get("property") or el.get("name") or "").lower()
            if el.get("http-equiv", "").strip().lower() == "refresh":
                scan.url(refresh_target(content), fetched=True, tag=tag)
                url_content = True
            elif META_URL_NAMES.match(key):
                scan.url(content, fetched=True, tag=f"meta {key}")
                url_content = True
        classes = widget = None
        for name, value in items:
            kind = ATTR_KINDS.get(name)
            if kind is None:
                if name.startswith("on"):
                    scan.add("unsafe", msg("verify.event_handler", tag=tag, name=name))
                elif not (url_content and name == "content"):
                    attrs.append((name, value))
                if name == "class":
                    classes = value
                elif name == material.SOURCE_WIDGET[0]:
                    widget = value
            elif kind == "url":
                if tag != "script" or name != "src":  # checked with the script
                    scan.url(value, fetched=not (tag in ("a", "area") and name in LINK_ATTRS), tag=tag)
            elif kind == "srcset":
                for candidate in value.split(","):
                    if candidate.strip():
                        scan.url(candidate.split()[0], fetched=True, tag=tag)
            else:
                css(scan, value)
        if tag in ANIMATION_TAGS:
            animation(scan, tag, el.attrib)
        if classes and material.MERMAID_CLASS in classes and material.MERMAID_CLASS in classes.split():
            scan.add("third-party", msg("verify.mermaid"))
        if widget == material.SOURCE_WIDGET[1]:
            scan.add("third-party", msg("verify.repo_url"))

    def _script_src(self, value: str) -> None:
        target = self.scan.url(value, fetched=True, tag="script")
        if target is not None and not target.endswith(SCRIPT_SUFFIXES):
            self.scan.add("unsafe", msg("verify.script_not_js", value=short(value)))

    def _script(self, el: Any, attrib: Any) -> None:
        scan = self.scan
        body = el.text or ""
        kind = (attrib.get("type") or "").strip().lower()
        if "src" in attrib:
            self._script_src(attrib["src"])
        elif kind in JSON_TYPES:
            doc = json_data(scan, body)
            if attrib.get("id") == material.CONFIG_SCRIPT_ID and isinstance(doc, dict):
                for key in material.CONFIG_FETCHED_KEYS:
                    if isinstance(doc.get(key), str):
                        self._script_src(doc[key])
                for key in material.CONFIG_LINK_KEYS:
                    if isinstance(doc.get(key), str):
                        scan.url(doc[key], fetched=False, tag="script")
            return
        else:
            values = scan.site.inline(body.strip())
            if values is None:
                in_content = not self.theme_page or any(
                    material.CONTENT_CLASS in (a.get("class") or "").split() for a in el.iterancestors())
                key = "verify.inline_script" if in_content else "verify.inline_script_chrome"
                scan.add("unsafe", msg(key, body=short(body.strip(), 40)))
            for value in values or ():
                scan.url(value, fetched=True, tag="script")
        scan.text(body, IN_SCRIPT)


def animation(scan: FileScan, tag: str, attrib: Any) -> None:
    """``<set attributeName="onclick" to="…">`` adds an event handler; one that sets ``href`` sets a URL."""
    target = (attrib.get("attributeName") or attrib.get("attributename") or "").lower().rsplit(":", 1)[-1]
    if target.startswith("on"):
        scan.add("unsafe", msg("verify.event_handler", tag=tag, name=target))
    elif target in ("href", "src"):
        for key in ("from", "to", "by", "values"):
            for value in (attrib.get(key) or "").split(";"):
                scan.url(value, fetched=True, tag=tag)


def xml(scan: FileScan, data: bytes, svg: bool) -> None:
    """A sitemap, a feed or an SVG image."""
    try:
        root = etree.fromstring(data, XML_PARSER)
    except etree.XMLSyntaxError as exc:
        scan.add("unreadable", msg("verify.bad_xml", detail=short(str(exc))))
        return
    for node in [*root.itersiblings(preceding=True), *root.itersiblings()]:
        _xml_node(scan, node)
    for el in root.iter():
        tag = el.tag
        if not isinstance(tag, str):
            _xml_node(scan, el)
            continue
        local = tag.rsplit("}", 1)[-1]
        if svg and local in ("script", "foreignObject"):
            scan.add("unsafe", msg("verify.svg_tag", tag=local))
        if svg and local in ANIMATION_TAGS:
            animation(scan, local, el.attrib)
        for name, value in el.attrib.items():
            name = name.rsplit("}", 1)[-1]
            if name.startswith("on"):
                scan.add("unsafe", msg("verify.event_handler", tag=local, name=name))
            elif name in ("href", "url", "src"):
                # Atom <link href> and SVG <a href> are links; images, enclosures and icons are fetched.
                scan.url(value, fetched=local not in ("link", "a"), tag=local)
            elif name == "style" or (svg and name in CSS_URL_ATTRS):
                css(scan, value)
            else:
                scan.attrs.append((name, value))
        body = (el.text or "").strip()
        if svg and local == "style":
            css(scan, el.text or "")
            el.text = None
        elif body and not svg and len(el) == 0:
            if local in XML_FETCHED_TAGS or local in XML_LINK_TAGS:
                scan.url(body, fetched=local in XML_FETCHED_TAGS, tag=local)
                el.text = None
            elif local in XML_HTML_TAGS and "<" in body and (not tag.startswith(ATOM) or el.get("type") == "html"):
                HtmlScan(scan, theme_page=False).document(body.encode("utf-8"))  # feed readers render this HTML
                el.text = None  # Atom text is plain by default
        if not (svg and local in SVG_INLINE):
            el.text = "\n" + el.text if el.text else "\n"
            el.tail = "\n" + el.tail if el.tail else "\n"
    scan.text(etree.tostring(root, method="text", encoding=str))


def _xml_node(scan: FileScan, node: Any) -> None:
    """A comment or a processing instruction: an ``xml-stylesheet`` is fetched by the browser."""
    if node.tag is etree.PI and node.target == "xml-stylesheet" and node.get("href"):
        scan.url(node.get("href"), fetched=True, tag="xml-stylesheet")
    elif node.tag is etree.Comment:
        scan.text(node.text or "", IN_COMMENT)
