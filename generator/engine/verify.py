"""Checks on a built site, run by ``dangjian build`` before publishing and by ``dangjian verify``.

What is scanned, and why:

* **HTML**: every URL attribute (``href``, ``src``, ``srcset``, ``action``, meta refresh, ``og:`` URLs,
  CSS ``url()``) must be ``http(s)``/``mailto``/``tel`` or a path that resolves to a file of the site.
  Whatever the browser fetches by itself must come from the site's own host; plain links (``<a href>``)
  to other sites are allowed (no request until a resident clicks; records cite media reports).
  Event handlers, ``<iframe>``/``<object>``/``<embed>`` and inline scripts in the page content are
  findings, unless a script is written word for word in our templates.
* **CSS**: ``url()``/``@import`` only ``data:`` images or site paths.  **CSV**: no formula cells.
* **XML** (sitemap, feeds) and **SVG**: URL elements/attributes as above; namespace URIs such as
  ``http://www.w3.org/2000/svg`` are names, not references.  SVG carries no scripts or handlers.
* **JSON**: search-index ``location`` values must resolve; other JSON is data (it may cite a news
  site) and is only scanned for PII.
* **JavaScript**: Material's bundle and search worker are *not* scanned: they hold dormant URLs
  (``unpkg.com`` for mermaid and an old-browser polyfill, ``api.github.com`` for ``repo_url``) and
  licence comments.  Their triggers are checked instead (a ``mermaid`` diagram or a repository
  widget in a page).  Any other script is ours and is scanned.
* **PII** (:mod:`generator.pii`) in page text, attribute values, XML, JSON, CSV, scripts, file names.
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing as mp
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from generator.engine import material
from generator.messages import Msg, msg, t
from generator.records import pii

SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
VENDOR_JS = re.compile(r"^assets/javascripts/(?:bundle\.[0-9a-f]+\.min\.js|workers/|lunr/)")
SKIP_SUFFIXES = {".map", ".gz", ".png", ".jpg", ".jpeg", ".webp", ".gif", ".ico", ".woff", ".woff2", ".ttf", ".pdf"}
TEXT_SUFFIXES = {".csv", ".txt", ".md", ".ics", ".vcf"}
URL_ATTRS = {"href", "src", "poster", "action", "formaction", "data", "background", "manifest", "ping",
             "xlink:href", "longdesc"}
PII_ATTRS = {"alt", "title", "aria-label", "aria-description", "aria-valuetext", "placeholder", "content", "value",
             "label", "summary", "download"}
ACTIVE_TAGS = {"iframe", "frame", "object", "embed", "applet"}
META_URL_NAMES = re.compile(r"^(?:og:(?:url|image|image:url|image:secure_url|video|audio)|twitter:image|"
                            r"msapplication-\w+)$")
CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)|@import\s+(['"])(.*?)\3""", re.I | re.S)
JS_URL = re.compile(r"""https?://([A-Za-z0-9.-]+\.[A-Za-z]{2,})""")
INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)
NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?%?$")
SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
STRIP = "".join(map(chr, range(0x21))) + "\x7f"
XML_FETCHED_TAGS = {"loc", "icon", "logo", "url"}  # sitemap pages, feed images: fetched by crawlers/readers
XML_LINK_TAGS = {"link", "comments"}  # RSS item links: followed by a reader's click
XML_HTML_TAGS = {"description", "content", "summary", "encoded"}
ATOM = "{http://www.w3.org/2005/Atom}"


CHECKS = {"broken-link": "verify.check.broken_link", "third-party": "verify.check.third_party",
          "unsafe": "verify.check.unsafe", "pii": "verify.check.pii", "unreadable": "verify.check.unreadable"}


@dataclass(frozen=True)
class Finding:
    """A problem in the built site: ``file: check: message``, in the catalogue's words."""

    file: str
    check: str  # a key of CHECKS
    message: Msg

    def _order(self) -> tuple[str, str, str]:
        return (self.file, self.check, self.message.text("en"))

    def __lt__(self, other: Finding) -> bool:
        return self._order() < other._order()

    def __str__(self) -> str:
        return f"{self.file}: {t(CHECKS[self.check])}: {self.message.text()}"


class _Site:
    def __init__(self, root: Path, site_url: str, allow: list[str], trusted_scripts: set[str]) -> None:
        self.root = root.resolve()
        self.trusted_scripts = trusted_scripts
        url = urlsplit(site_url)
        self.host = (url.hostname or "").lower()
        self.port = url.port
        self.prefix = url.path if url.path.endswith("/") else url.path + "/"
        self.allow = allow
        self.findings: list[Finding] = []
        self.exists: dict[tuple[str, bool], bool] = {}

    def add(self, file: str, check: str, message: Msg) -> None:
        self.findings.append(Finding(file, check, message))

    def pii(self, file: str, text: str, where: Msg | None = None) -> None:
        for hit in pii.find(text, self.allow):
            self.add(file, "pii", msg("verify.pii_in", where=where, hit=hit) if where else msg("verify.pii", hit=hit))

    def own_host(self, host: str | None, port: int | None) -> bool:
        return (host or "").lower() == self.host and port in (None, self.port)

    def url(self, file: str, raw: str, base: str, *, fetched: bool, tag: str = "") -> None:
        """Check one URL found in ``file``; ``base`` is the site path the URL is relative to."""
        value = raw.strip(STRIP).replace("\t", "").replace("\n", "").replace("\r", "")
        if not value or value.startswith("#"):
            return
        scheme = SCHEME.match(value)
        what = f"<{tag}> " if tag else ""
        if scheme and scheme.group(1).lower() not in SAFE_SCHEMES:
            self.add(file, "unsafe", msg("verify.bad_scheme", what=what, scheme=scheme.group(1), value=_short(value)))
            return
        if scheme and scheme.group(1).lower() in ("mailto", "tel"):
            self.pii(file, unquote(value), msg("verify.where.link"))
            return
        parts = urlsplit(value)
        if parts.netloc or value.startswith("//"):
            try:
                port = parts.port
            except ValueError:  # not a number: never the site's port
                port = -1
            if not self.own_host(parts.hostname, port):
                if fetched:
                    self.add(file, "third-party", msg("verify.loads_from", what=what, host=parts.hostname,
                                                          value=_short(value)))
                return
            path = parts.path or "/"
        elif value.startswith("/"):
            path = parts.path
        else:
            path = self.prefix + base + parts.path  # ".." and "." are resolved by _normpath
        self.resolve(file, unquote(path), value)

    def resolve(self, file: str, path: str, shown: str) -> None:
        """``path`` is an absolute URL path on the site's host."""
        if not path.startswith(self.prefix):
            self.add(file, "broken-link", msg("verify.outside_path", shown=_short(shown), prefix=self.prefix))
            return
        rel = _normpath(path[len(self.prefix):])
        if rel is None:
            self.add(file, "broken-link", msg("verify.outside_site", shown=_short(shown)))
            return
        key = (rel, path.endswith("/"))
        if key not in self.exists:  # the same nav links appear on every page
            target = os.path.join(self.root, rel) if rel else str(self.root)
            if key[1] or os.path.isdir(target):
                target = os.path.join(target, "index.html")
            self.exists[key] = os.path.isfile(target)
        if not self.exists[key]:
            self.add(file, "broken-link", msg("verify.missing", shown=_short(shown)))


def _normpath(rel: str) -> str | None:
    out: list[str] = []
    for part in rel.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not out:
                return None
            out.pop()
        else:
            out.append(part)
    return "/".join(out)


def _short(value: str, limit: int = 80) -> str:
    return value if len(value) <= limit else value[:limit] + "…"


def _page_base(rel: str) -> str:
    """Site path a page's relative URLs resolve against: ``a/b/index.html`` -> ``a/b/``."""
    return rel.rsplit("/", 1)[0] + "/" if "/" in rel else ""


class _HtmlScan(HTMLParser):
    def __init__(self, site: _Site, file: str, theme_page: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.site, self.file, self.base = site, file, _page_base(file)
        self.text: list[str] = []
        self.skip = 0  # inside <script>/<style>
        self.content_depth = 0  # >0 inside the theme's content area
        self.theme_page = theme_page  # only its content area holds user content
        self.in_style = False
        self.script: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}  # HTMLParser lower-cases names
        classes = a.get("class", "").split()
        if material.CONTENT_CLASS in classes:
            self.content_depth = 1
        elif self.content_depth and tag not in VOID:
            self.content_depth += 1
        in_content = self.content_depth > 0 or not self.theme_page
        self._attrs(tag, a)
        if material.MERMAID_CLASS in classes:
            self.site.add(self.file, "third-party", msg("verify.mermaid"))
        if a.get(material.SOURCE_WIDGET[0]) == material.SOURCE_WIDGET[1]:
            self.site.add(self.file, "third-party", msg("verify.repo_url"))
        if tag in ACTIVE_TAGS:
            self.site.add(self.file, "unsafe", msg("verify.active_tag", tag=tag))
        if tag in ("script", "style"):
            self.skip += 1
            self.in_style = tag == "style"
            # An inline script in page content must be one our templates wrote, word for word.
            self.script = [] if (tag == "script" and in_content and "src" not in a
                                 and not a.get("type", "").endswith("json")) else None

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._attrs(tag, {k: v or "" for k, v in attrs})

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self.script is not None:
            body = "".join(self.script).strip()
            if body not in self.site.trusted_scripts:
                self.site.add(self.file, "unsafe", msg("verify.inline_script", body=_short(body, 40)))
            self.script = None
        if tag in ("script", "style") and self.skip:
            self.skip -= 1
            self.in_style = False
        if self.content_depth and tag not in VOID:
            self.content_depth -= 1

    def handle_data(self, data: str) -> None:
        if self.script is not None:
            self.script.append(data)
        elif self.in_style:
            _css(self.site, self.file, data, self.base)
        elif not self.skip:
            self.text.append(data)

    def _attrs(self, tag: str, a: dict[str, str]) -> None:
        site, file = self.site, self.file
        for name, value in a.items():
            if name.startswith("on"):
                site.add(file, "unsafe", msg("verify.event_handler", tag=tag, name=name))
            elif name in URL_ATTRS:
                navigational = tag in ("a", "area") and name == "href"
                site.url(file, value, self.base, fetched=not navigational, tag=tag)
            elif name in ("srcset", "imagesrcset"):
                for candidate in value.split(","):
                    if candidate.strip():
                        site.url(file, candidate.split()[0], self.base, fetched=True, tag=tag)
            elif name == "style":
                _css(site, file, value, self.base)
            if name in PII_ATTRS or name.startswith("data-"):
                self.text.append(value)  # scanned with the page text, once per page
        if tag == "meta":
            key = (a.get("property") or a.get("name") or "").lower()
            content = a.get("content", "")
            if a.get("http-equiv", "").lower() == "refresh" and "url=" in content.lower():
                site.url(file, content[content.lower().index("url=") + 4:], self.base, fetched=True, tag=tag)
            elif META_URL_NAMES.match(key):
                site.url(file, content, self.base, fetched=True, tag=f"meta {key}")

    def finish(self) -> None:
        self.close()
        self.site.pii(self.file, "\n".join(self.text))


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def _css(site: _Site, file: str, text: str, base: str) -> None:
    for m in CSS_URL.finditer(text):
        value = m.group(2) if m.group(2) is not None else m.group(4)
        if not value.strip().lower().startswith("data:image/"):  # inline icons are not requests
            site.url(file, value, base, fetched=True, tag="css")


def _xml(site: _Site, file: str, data: bytes) -> None:
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        site.add(file, "unreadable", msg("verify.bad_xml", detail=exc))
        return
    svg = file.endswith(".svg")
    base = _page_base(file)
    text: list[str] = []
    for el in root.iter():
        tag = el.tag.rsplit("}", 1)[-1] if isinstance(el.tag, str) else ""
        if svg and tag in ("script", "foreignObject"):
            site.add(file, "unsafe", msg("verify.svg_tag", tag=tag))
        for name, value in el.attrib.items():
            local = name.rsplit("}", 1)[-1]
            if local.startswith("on"):
                site.add(file, "unsafe", msg("verify.event_handler", tag=tag, name=local))
            elif local in ("href", "url", "src"):
                # Atom <link href> and SVG <a href> are links; images, enclosures and icons are fetched.
                site.url(file, value, base, fetched=tag not in ("link", "a"), tag=tag)
            elif local == "style":
                _css(site, file, value, base)
            else:
                text.append(value)
        body = (el.text or "").strip()
        if not svg and body:
            if tag in XML_FETCHED_TAGS:
                site.url(file, body, base, fetched=True, tag=tag)
            elif tag in XML_LINK_TAGS:
                site.url(file, body, base, fetched=False, tag=tag)
            elif tag in XML_HTML_TAGS and "<" in body and (
                    not el.tag.startswith(ATOM) or el.get("type") == "html"):  # Atom text is plain by default
                scan = _HtmlScan(site, file, theme_page=False)  # feed readers render this HTML
                scan.base = base
                scan.feed(body)
                scan.finish()
                body = ""
        text.extend(t for t in (body, el.tail) if t)
    for pi in re.findall(rb"<\?xml-stylesheet[^>]*href=[\"']([^\"']+)", data):
        site.url(file, pi.decode("utf-8", "replace"), base, fetched=True, tag="xml-stylesheet")
    site.pii(file, "\n".join(text))


def _json_strings(value: object, key: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _json_strings(v, str(k))
    elif isinstance(value, list):
        for v in value:
            yield from _json_strings(v, key)


def _json(site: _Site, file: str, data: bytes) -> None:
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        site.add(file, "unreadable", msg("verify.bad_json", detail=exc))
        return
    search_index = file == "search/search_index.json"
    text: list[str] = []
    for key, value in _json_strings(doc):
        if search_index and key == "location":
            site.url(file, value, "", fetched=False, tag="search location")
        elif file.endswith(".webmanifest") and key in ("src", "start_url", "scope"):
            site.url(file, value, _page_base(file), fetched=True, tag="manifest")
        else:
            text.append(value)
    site.pii(file, "\n".join(text))


def _formula(text: str) -> str | None:
    """The first CSV cell that a spreadsheet would run as a formula (=, +, -, @; not a plain number)."""
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not NUMBER.match(cell):
                return cell
    return None


def template_scripts(*folders: Path) -> set[str]:
    """Inline scripts written literally in our templates (like a CSP hash list)."""
    out: set[str] = set()
    for folder in folders:
        for file in sorted(folder.rglob("*")) if folder.is_dir() else ():
            if file.suffix in (".j2", ".html") and file.is_file():
                text = file.read_text(encoding="utf-8", errors="replace")
                out.update(m.group(1).strip() for m in INLINE_SCRIPT.finditer(text))
    return out


PARALLEL_FROM = 400  # HTML files; below this a worker process costs more than it saves


def _scan_html_chunk(site_dir: Path, site_url: str, allow: list[str], trusted: set[str],
                     rels: list[str]) -> list[Finding]:
    site = _Site(site_dir, site_url, allow, trusted)
    for rel in rels:
        text = (site.root / rel).read_bytes().decode("utf-8", "replace")
        scan = _HtmlScan(site, rel, theme_page=material.CONTENT_MARKER in text)
        scan.feed(text)
        scan.finish()
    return site.findings


def _scan_html(site_dir: Path, site_url: str, allow: list[str], trusted: set[str],
               rels: list[str]) -> list[Finding]:
    """Scan HTML pages, on every core for large sites (each page is checked independently)."""
    workers = min(os.cpu_count() or 1, 8)
    if workers < 2 or len(rels) < PARALLEL_FROM or "fork" not in mp.get_all_start_methods():
        return _scan_html_chunk(site_dir, site_url, allow, trusted, rels)
    chunks = [rels[i::workers] for i in range(workers)]
    with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
        parts = pool.map(_scan_html_chunk, *zip(*[(site_dir, site_url, allow, trusted, c) for c in chunks],
                                                strict=True))
        return [f for part in parts for f in part]


def verify_site(site_dir: Path, site_url: str, allow: list[str],
                theme: Path | None = None) -> list[Finding]:
    """Every finding in the built site at ``site_dir`` (empty when it is fit to publish).

    ``allow`` is the PII allow-list (``pii_allow``); ``theme`` the project's theme folder, whose
    inline scripts (with those of the generator's templates) may appear in page content.
    """
    package = Path(__file__).resolve().parents[1]
    trusted = template_scripts(package / "pages" / "templates", theme or package.parent / "theme")
    site = _Site(site_dir, site_url, allow, trusted)
    if not site_dir.is_dir():
        return [Finding(str(site_dir), "unreadable", "site folder not found")]
    html: list[str] = []
    for path in sorted(p for p in site.root.rglob("*") if p.is_file() or p.is_symlink()):
        rel = path.relative_to(site.root).as_posix()
        site.pii(rel, rel, msg("verify.where.file_name"))
        if path.is_symlink():
            site.add(rel, "unsafe", msg("verify.symlink"))
            continue
        suffix = path.suffix.lower()
        if suffix in SKIP_SUFFIXES or VENDOR_JS.match(rel):
            continue
        if suffix in (".html", ".htm"):
            html.append(rel)
            continue
        data = path.read_bytes()
        if suffix == ".css":
            _css(site, rel, data.decode("utf-8", "replace"), _page_base(rel))
        elif suffix in (".xml", ".svg", ".rss", ".atom"):
            _xml(site, rel, data)
        elif suffix in (".json", ".webmanifest"):
            _json(site, rel, data)
        elif suffix in (".js", ".mjs"):
            text = data.decode("utf-8", "replace")
            for host in sorted(set(JS_URL.findall(text))):
                if not site.own_host(host, None):
                    site.add(rel, "third-party", msg("verify.script_host", host=host))
            site.pii(rel, text)
        elif suffix in TEXT_SUFFIXES:
            text = data.decode("utf-8", "replace")
            if suffix == ".csv" and (cell := _formula(text)):
                site.add(rel, "unsafe", msg("verify.formula", cell=_short(cell, 40)))
            site.pii(rel, text)
    site.findings.extend(_scan_html(site_dir, site_url, allow, trusted, html))
    return sorted(set(site.findings))
