"""Checks on a built site, run by ``dangjian build`` before publishing and by ``dangjian verify``.

The last line of defence: every file of the site is read by its type, and

* **links resolve**: every URL of the site's own names a file of the site;
* **nothing loads from third-party hosts**: whatever a browser, a crawler or a feed reader fetches by
  itself comes from the site's host (links that a resident clicks may lead anywhere over http(s));
* **nothing unsafe**: no script but Material's and the theme's files (by SHA-256) and the inline
  scripts of our templates, the theme and Material (by text); no event handlers, frames, plugins,
  ``javascript:`` URLs or spreadsheet formulas;
* **no personal information** (:mod:`generator.records.pii`) in any text node, attribute, comment,
  style sheet, script, URL query, file name, image metadata, PDF text or compressed file.

By type (an unknown suffix, or none, is read as UTF-8 text, else it is a finding):

* HTML, XML (sitemap, feed) and SVG: :mod:`generator.engine.verify_html`;
* CSS, JSON, CSV and text, images, PDF: :mod:`generator.engine.verify_files`;
* JavaScript: the file must be one Material ships or one of the theme folder, byte for byte.
  Material's files (its bundle and search worker hold dormant URLs: ``unpkg.com`` for mermaid and an
  old-browser polyfill, ``api.github.com`` for ``repo_url``) are not scanned: their triggers are
  checked instead (a ``mermaid`` diagram or a repository widget in a page).  The theme's scripts are.
* ``.gz`` (``sitemap.xml.gz``) and ``.svgz``: decompressed (at most 50 MB) and read as what they hold.

Files are checked independently, on every core for large sites: forked workers take tasks of similar
size, the largest files first, so that no worker is left with a long file at the end; the parent's
objects are frozen for the garbage collector meanwhile, so the workers do not copy its heap page by page.
Findings come out sorted.  Given a cache folder, a file whose bytes (and the files its URLs name) are
those of a file that verified clean before is not checked again (:mod:`generator.engine.verify_cache`;
the workers compare the bytes they read with the manifest, and do not read a file that is still the very
inode that verified clean: the files a build linked to the published ones).
"""

from __future__ import annotations

import contextlib
import gzip
import io
import multiprocessing as mp
import os
import re
import zlib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from generator import heap
from generator.engine import material
from generator.engine.verify_base import CHECKS, FileScan, Finding, Site, Trust
from generator.engine.verify_cache import Clean, Manifest, clean_file, identity, verifier_version
from generator.engine.verify_files import css, image, json_data, pdf, text_file
from generator.engine.verify_html import SCRIPT_SUFFIXES, HtmlScan, xml
from generator.engine.verify_trust import build_trust, template_scripts
from generator.messages import msg

__all__ = ["CHECKS", "Finding", "template_scripts", "verify_site"]

HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
XML_SUFFIXES = {".xml", ".rss", ".atom", ".xsl"}
JSON_SUFFIXES = {".json", ".webmanifest", ".map"}
TEXT_SUFFIXES = {".csv", ".txt", ".md", ".ics", ".vcf"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".gif", ".ico", ".bmp"}
FONT_SUFFIXES = {".woff", ".woff2", ".ttf", ".otf", ".eot"}  # glyphs: nothing a reader sees as text
GZIP_LIMIT_MB = 50
JS_URL = re.compile(r"""https?://([A-Za-z0-9.-]+\.[A-Za-z]{2,})""")
PARALLEL_FROM = 400  # files; below this a worker process costs more than it saves ...
PARALLEL_BYTES = 32 << 20  # ... unless they are this large together (the open data files: ~100 MB at 2,000)


def _suffix(name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    return "." + base.rsplit(".", 1)[1].lower() if "." in base.lstrip(".") else ""


def scan_data(site: Site, rel: str, name: str, data: bytes, depth: int = 0) -> None:
    """Check one file's bytes; ``name`` says what it is (``sitemap.xml`` for ``sitemap.xml.gz``)."""
    origin = site.trust.origin(data)
    if origin == "vendor":
        return  # a file of Material's, as it ships
    suffix = _suffix(name)
    scan = FileScan(site, rel)
    if suffix in (".gz", ".svgz"):
        _gzip(site, scan, name[:-3] if suffix == ".gz" else name[:-1], data, depth)
    elif suffix in HTML_SUFFIXES:
        HtmlScan(scan, theme_page=material.CONTENT_MARKER.encode() in data).document(data)
    elif suffix in XML_SUFFIXES or suffix == ".svg":
        xml(scan, data, svg=suffix == ".svg")
    elif suffix == ".css":
        css(scan, data.decode("utf-8", "replace"))
    elif suffix in JSON_SUFFIXES:
        json_data(scan, data, name=name)
    elif suffix in SCRIPT_SUFFIXES:
        if origin != "ours":
            scan.add("unsafe", msg("verify.unknown_script"))
        text = data.decode("utf-8", "replace")
        for host in sorted(set(JS_URL.findall(text))):
            if not site.own_host(host, None):
                scan.add("third-party", msg("verify.script_host", host=host))
        scan.text(text)
    elif suffix in TEXT_SUFFIXES:
        text_file(scan, data, suffix)
    elif suffix in IMAGE_SUFFIXES:
        image(scan, data)
    elif suffix == ".pdf":
        pdf(scan, data)
    elif suffix not in FONT_SUFFIXES:
        try:
            scan.text(data.decode("utf-8"))
        except UnicodeDecodeError:
            scan.add("unreadable", msg("verify.unknown_type"))
    scan.done()


def _gzip(site: Site, scan: FileScan, inner: str, data: bytes, depth: int) -> None:
    limit = GZIP_LIMIT_MB * 1024 * 1024
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as f:
            body = f.read(limit + 1)
    except (OSError, EOFError, zlib.error) as exc:
        scan.add("unreadable", msg("verify.bad_gzip", detail=exc))
        return
    if len(body) > limit or depth > 1:
        scan.add("unreadable", msg("verify.too_large", limit=GZIP_LIMIT_MB))
        return
    scan_data(site, scan.rel, inner, body, depth + 1)


Scanned = tuple[list[Finding], list[Clean]]
BATCHES_PER_WORKER = 16  # tasks of about equal size per worker: a worker that is done takes the next one
BATCH_FILES = 64  # files at most in one task


@dataclass(frozen=True)
class Job:
    """What every file's check needs besides the file; a forked worker inherits it (a task names files only)."""

    site_dir: Path
    site_url: str
    allow: list[str]
    trust: Trust
    manifest: Manifest | None  # with a manifest, files still clean are skipped and clean files recorded


_inherited: list[Job] = []  # the job of the pool being run, for its forked workers


def _scan_files(job: Job, rels: list[str]) -> Scanned:
    """The findings in ``rels``; with a manifest, also the files without any (what they looked up, too),
    whether checked now or still clean from last time."""
    site = Site(job.site_dir, job.site_url, job.allow, job.trust)
    manifest = job.manifest
    if manifest is not None:
        site.clean_texts = manifest.texts
    clean: list[Clean] = []
    for rel in rels:
        path = os.path.join(site.root, rel)
        if manifest is not None:
            try:
                same = manifest.unchanged(site, rel, identity(os.stat(path)))
            except OSError:
                same = None  # reported when it is read
            if same is not None:
                clean.append(same)
                continue
        try:
            with open(path, "rb") as f:
                inode = identity(os.fstat(f.fileno()))
                data = f.read()
        except OSError as exc:
            site.add(rel, "unreadable", msg("verify.unreadable_file", detail=exc.strerror or exc))
            continue
        if manifest is not None and (kept := manifest.kept(site, rel, data, inode)) is not None:
            clean.append(kept)
            continue
        before = len(site.findings)
        site.asked = set()
        site.texts_clean = []
        scan_data(site, rel, rel, data)
        if manifest is not None and len(site.findings) == before:
            clean.append(clean_file(site, rel, data, inode))
    return site.findings, clean


def _still_clean(job: Job, rels: list[str]) -> tuple[list[str], list[Clean]]:
    """The files that are still the inode that verified clean, naming the same files (their records), and the
    others: to be read.  Done here, before any worker is forked: after a small change almost every file is
    still clean, and checking that is a ``stat`` and a few look-ups each."""
    manifest = job.manifest
    if manifest is None:
        return rels, []
    site = Site(job.site_dir, job.site_url, job.allow, job.trust)
    todo: list[str] = []
    clean: list[Clean] = []
    for rel in rels:
        try:
            same = manifest.unchanged(site, rel, identity(os.stat(os.path.join(site.root, rel))))
        except OSError:
            same = None  # reported when it is read
        if same is None:
            todo.append(rel)
        else:
            clean.append(same)
    return todo, clean


def _scan_inherited(rels: list[str]) -> Scanned:
    return _scan_files(_inherited[0], rels)


def batches(root: Path, rels: list[str], count: int) -> list[list[str]]:
    """``rels`` in about ``count`` tasks of similar size (bytes), the largest first, so that the last
    tasks to finish are small ones; a file larger than a task's share is a task of its own."""
    sizes: dict[str, int] = {}
    for rel in rels:
        try:
            sizes[rel] = os.stat(os.path.join(root, rel)).st_size
        except OSError:
            sizes[rel] = 0  # reported when it is read
    share = max(sum(sizes.values()) // max(count, 1), 1)
    out: list[list[str]] = []
    batch: list[str] = []
    total = 0
    for rel in sorted(rels, key=lambda r: (-sizes[r], r)):
        batch.append(rel)
        total += sizes[rel]
        if total >= share or len(batch) >= BATCH_FILES:
            out.append(batch)
            batch, total = [], 0
    if batch:
        out.append(batch)
    return out


def _scan(job: Job, rels: list[str]) -> Scanned:
    """Scan the files, on every core for large sites (each file is checked on its own)."""
    workers = min(os.cpu_count() or 1, 8)
    if workers < 2 or "fork" not in mp.get_all_start_methods() or (
            len(rels) < PARALLEL_FROM and _size(job.site_dir, rels) < PARALLEL_BYTES):
        return _scan_files(job, rels)
    tasks = batches(job.site_dir, rels, workers * BATCHES_PER_WORKER)
    _inherited.append(job)
    try:
        # The parent's objects are left out of the workers' collections: no copy-on-write of its heap.
        with heap.frozen(), ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
            parts = list(pool.map(_scan_inherited, tasks))
    finally:
        _inherited.clear()
    return [f for part in parts for f in part[0]], [c for part in parts for c in part[1]]


def _size(root: Path, rels: list[str]) -> int:
    total = 0
    for rel in rels:
        with contextlib.suppress(OSError):
            total += os.stat(os.path.join(root, rel)).st_size
    return total


def site_files(root: str) -> list[tuple[str, bool]]:
    """Every file and symbolic link under ``root`` (links to folders are not followed): its site path, and
    whether it is a link; in path order, as ``sorted(Path(root).rglob("*"))`` lists them."""
    out: list[tuple[str, bool]] = []
    folders = [""]
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(os.path.join(root, folder)) as entries:
                for entry in entries:
                    rel = f"{folder}/{entry.name}" if folder else entry.name
                    link = entry.is_symlink()
                    if link or entry.is_file():
                        out.append((rel, link))
                    elif entry.is_dir():
                        folders.append(rel)
        except PermissionError:
            continue  # as rglob: a folder that cannot be listed has nothing in it
    return sorted(out, key=lambda item: item[0].split("/"))


def verify_site(site_dir: Path, site_url: str, allow: list[str],
                theme: Path | None = None, cache_dir: Path | None = None) -> list[Finding]:
    """Every finding in the built site at ``site_dir`` (empty when it is fit to publish).

    ``allow`` is the PII allow-list (``pii_allow``); ``theme`` the project's theme folder (this
    repository's by default), whose files and inline scripts may appear in the site with those of
    the generator's page templates and of Material.  ``cache_dir`` (the project's ``.cache/``) keeps
    the files that verified clean, so that the next check reads only what changed.
    """
    if not site_dir.is_dir():
        return [Finding(str(site_dir), "unreadable", msg("verify.no_site"))]
    package = Path(__file__).resolve().parents[1]
    trust = build_trust(package / "pages" / "templates", theme or package.parent / "theme")
    site = Site(site_dir, site_url, allow, trust)
    files: list[str] = []
    for rel, link in site_files(site.root):
        site.pii(rel, rel, msg("verify.where.file_name"))
        if link:
            site.add(rel, "unsafe", msg("verify.symlink"))
        else:
            files.append(rel)
    manifest = Manifest(cache_dir, verifier_version(site_url, allow, trust)) if cache_dir is not None else None
    job = Job(site_dir, site_url, allow, trust, manifest)
    todo, still = _still_clean(job, files)
    findings, clean = _scan(job, todo)
    clean += still
    site.findings.extend(findings)
    if manifest is not None:
        manifest.save(clean)
    return sorted(set(site.findings))
