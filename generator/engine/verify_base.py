"""What every check of the built site shares: findings, the trusted files and scripts, URL resolution.

A :class:`Site` is the built site being checked (its root, its address, the findings so far);
a :class:`FileScan` is one file of it: the checks of each file type report through it, and it
collects the file's text by where it was found, so that personal information is looked for in a
few long strings per file rather than in every attribute on its own.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote, unquote_plus, urlsplit

from generator.messages import Msg, msg, t
from generator.records import pii

CHECKS = {"broken-link": "verify.check.broken_link", "third-party": "verify.check.third_party",
          "unsafe": "verify.check.unsafe", "pii": "verify.check.pii", "unreadable": "verify.check.unreadable"}
SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
STRIP = "".join(map(chr, range(0x21))) + "\x7f"
# Where personal information was found: a catalogue key and its parameters (the message is made once per file).
Where = tuple[str, ...] | None
PLAIN_PATH = re.compile(r"(?!//)[^:?#%\\]+\Z")
IN_LINK: Where = ("verify.where.link",)
IN_QUERY: Where = ("verify.where.query",)
LinkKey = tuple[str, bool]  # a site path as a URL names it, and whether the URL ends in "/"
CssRead = tuple[str, tuple[str, ...], bool]  # a style sheet's text, the URLs it fetches, whether it is too deep


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


@dataclass(frozen=True)
class Trust:
    """What may run in the site: files by their SHA-256, inline scripts by their text (like a CSP hash list)."""

    vendor: frozenset[str]  # every file Material ships in its assets: copied as they are, not scanned
    ours: frozenset[str]  # every file of the project's theme folder: scanned, and its scripts may run
    sizes: frozenset[int]  # the sizes of all of them (a file of another size is neither)
    scripts: frozenset[str]  # inline scripts as our templates, the theme and Material write them
    patterns: tuple[re.Pattern[str], ...]  # the same with Jinja placeholders: a group per placeholder in a string

    def origin(self, data: bytes) -> str:
        """``"vendor"``, ``"ours"`` or ``""`` (neither) for a file's bytes."""
        if len(data) not in self.sizes:
            return ""
        digest = hashlib.sha256(data).hexdigest()
        return "vendor" if digest in self.vendor else "ours" if digest in self.ours else ""

    def inline(self, body: str) -> tuple[str, ...] | None:
        """The placeholder values of a trusted inline script (``()`` for a literal one); None: not trusted."""
        if body in self.scripts:
            return ()
        for pattern in self.patterns:
            m = pattern.fullmatch(body)
            if m:
                return m.groups()
        return None


TEXT_DIGEST = 16  # bytes


def text_digest(text: str) -> bytes:
    """What a part of a data file's text is remembered by (``FileScan.text_in_parts``)."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=TEXT_DIGEST).digest()


class Site:
    """The built site under check: its files, its address, and the findings so far."""

    def __init__(self, root: os.PathLike[str] | str, site_url: str, allow: list[str], trust: Trust) -> None:
        self.root = os.path.realpath(root)
        self.trust = trust
        url = urlsplit(site_url)
        self.host = (url.hostname or "").lower()
        self.port = url.port
        self.prefix = url.path if url.path.endswith("/") else url.path + "/"
        self.allow = allow
        self.findings: list[Finding] = []
        self.exists: dict[LinkKey, str] = {}
        self.asked: set[LinkKey] = set()  # what the file being scanned looked up (a cross-file fact of it)
        # Parts of data files' text that verified clean before (digests, from the manifest; None: no manifest),
        # and the digests of the clean parts of the file being scanned (see ``FileScan.text_in_parts``).
        self.clean_texts: frozenset[bytes] | None = None
        self.texts_clean: list[bytes] = []
        self.inline_cache: dict[str, tuple[str, ...] | None] = {}
        self.css_read: dict[str, CssRead] = {}  # style sheets read so far (the same few style attributes)

    def add(self, file: str, check: str, message: Msg) -> None:
        self.findings.append(Finding(file, check, message))

    def pii(self, file: str, text: str, where: Msg | None = None) -> None:
        for hit in self.hits(text):
            self.add(file, "pii", msg("verify.pii_in", where=where, hit=hit) if where else msg("verify.pii", hit=hit))

    def hits(self, text: str) -> list[pii.Hit]:
        """What :func:`pii.find` finds in ``text`` (which scans only the lines that may hold something)."""
        return pii.find(text, self.allow)

    def own_host(self, host: str | None, port: int | None) -> bool:
        return (host or "").lower() == self.host and port in (None, self.port)

    def inline(self, body: str) -> tuple[str, ...] | None:
        if body not in self.inline_cache:  # the theme's scripts are the same on most pages
            self.inline_cache[body] = self.trust.inline(body)
        return self.inline_cache[body]

    def target(self, path: str) -> str | None:
        """The site file named by an absolute URL path that starts with the site's prefix: None if it
        points outside the site, ``""`` if there is no such file."""
        rel = normpath(path[len(self.prefix):])
        if rel is None:
            return None
        key = (rel, path.endswith("/"))
        self.asked.add(key)
        return self.resolved(key)

    def resolved(self, key: LinkKey) -> str:
        """The file a site path (``rel``, and whether it was asked for as a folder) names; ``""`` if none."""
        if key not in self.exists:  # the same nav links appear on every page
            rel, folder = key
            full = os.path.join(self.root, rel) if rel else self.root
            if folder or os.path.isdir(full):
                full, rel = os.path.join(full, "index.html"), f"{rel}/index.html" if rel else "index.html"
            self.exists[key] = rel if os.path.isfile(full) else ""
        return self.exists[key]


class FileScan:
    """One file of the site: its findings, and its text grouped by where it was found."""

    def __init__(self, site: Site, rel: str, base: str | None = None) -> None:
        self.site, self.rel = site, rel
        self.base = page_base(rel) if base is None else base  # the site path relative URLs start from
        self.texts: dict[Where, list[str]] = {}
        self.attrs: list[tuple[str, str]] = []  # (name, value) of every attribute, in the order found

    def add(self, check: str, message: Msg) -> None:
        self.site.add(self.rel, check, message)

    def text(self, text: str, where: Where = None) -> None:
        """Look for personal information in ``text`` (when the file is done)."""
        if text:
            self.texts.setdefault(where, []).append(text)

    def text_in_parts(self, parts: Iterable[str]) -> None:
        """Text in parts that no finding spans (a data file's records, each its strings joined by line breaks): a
        part that verified clean before (``site.clean_texts``) is not looked at again, any other is looked at now,
        and only the parts with a finding are kept for :meth:`done`, which reports them as one text.  The digest of
        every clean part goes into the file's record (``site.texts_clean``)."""
        site = self.site
        known = site.clean_texts or frozenset()
        for part in parts:
            if not part:
                continue
            digest = text_digest(part)
            if digest in known or not site.hits(part):
                site.texts_clean.append(digest)
            else:
                self.text(part)

    def done(self) -> None:
        """Look for personal information in the file's texts: all at once, then (when there is some)
        group by group, to say where.  Parts are joined by line breaks, which no number or address spans."""
        texts = self.texts
        everything = "\n".join([*(p for parts in texts.values() for p in parts), *(v for _, v in self.attrs)])
        if self.site.hits(everything):
            for name, value in self.attrs:
                texts.setdefault(("verify.where.attribute", "name", name), []).append(value)
            for where, parts in texts.items():
                message = msg(where[0], **dict(zip(where[1::2], where[2::2], strict=True))) if where else None
                self.site.pii(self.rel, "\n".join(parts), message)
        texts.clear()
        self.attrs.clear()

    def url(self, raw: str, *, fetched: bool, tag: str = "") -> str | None:
        """Check one URL of this file; returns the site file it names, if it names one that exists.

        ``fetched``: the browser (or a crawler, a feed reader) requests it by itself, so it must be on
        the site's own host; a link that a resident clicks may lead anywhere over http(s).
        Personal information is looked for in the query and the fragment (the path is a file of the
        site, whose name is checked on its own; hashes in asset names cannot raise false alarms).
        """
        value = raw.strip(STRIP)
        if "\t" in value or "\n" in value or "\r" in value:
            value = value.replace("\t", "").replace("\n", "").replace("\r", "")
        if not value:
            return None
        if PLAIN_PATH.match(value):  # most URLs of a page: a relative path, nothing to split or decode
            return self.resolve(value if value[0] == "/" else self.site.prefix + self.base + value, value)
        if value.startswith("#"):
            self.text(unquote(value[1:]), IN_QUERY)
            return None
        scheme = SCHEME.match(value)
        what = f"<{tag}> " if tag else ""
        if scheme and scheme.group(1).lower() not in SAFE_SCHEMES:
            self.add("unsafe", msg("verify.bad_scheme", what=what, scheme=scheme.group(1), value=short(value)))
            return None
        if scheme and scheme.group(1).lower() in ("mailto", "tel"):
            self.text(unquote(value), IN_LINK)
            return None
        parts = urlsplit(value)
        self.text("\n".join(p for p in (unquote_plus(parts.query), unquote(parts.fragment)) if p), IN_QUERY)
        if parts.netloc or value.startswith("//"):
            try:
                port = parts.port
            except ValueError:  # not a number: never the site's port
                port = -1
            if not self.site.own_host(parts.hostname, port):
                if fetched:
                    self.add("third-party", msg("verify.loads_from", what=what, host=parts.hostname,
                                                value=short(value)))
                return None
            path = parts.path or "/"
        elif value.startswith("/"):
            path = parts.path
        else:
            path = self.site.prefix + self.base + parts.path  # ".." and "." are resolved by normpath
        return self.resolve(unquote(path), value)

    def resolve(self, path: str, shown: str) -> str | None:
        """``path`` is an absolute URL path on the site's host."""
        if not path.startswith(self.site.prefix):
            self.add("broken-link", msg("verify.outside_path", shown=short(shown), prefix=self.site.prefix))
            return None
        target = self.site.target(path)
        if target is None:
            self.add("broken-link", msg("verify.outside_site", shown=short(shown)))
        elif not target:
            self.add("broken-link", msg("verify.missing", shown=short(shown)))
        return target or None


def normpath(rel: str) -> str | None:
    """``rel`` with ``.``, ``..`` and empty segments resolved; None if it climbs above the site's root."""
    out = posixpath.normpath(rel.lstrip("/"))  # in C; it keeps leading ".." and makes "" of nothing "."
    if out == ".":
        return ""
    return None if out == ".." or out.startswith("../") else out


def short(value: str, limit: int = 80) -> str:
    return value if len(value) <= limit else value[:limit] + "…"


def page_base(rel: str) -> str:
    """Site path a page's relative URLs resolve against: ``a/b/index.html`` -> ``a/b/``."""
    return rel.rsplit("/", 1)[0] + "/" if "/" in rel else ""
