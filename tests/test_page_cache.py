"""The engine's page cache (issue 14, warm builds): a page built before with the same inputs is not built again,
and the site is byte for byte the one a serial build without any cache gives.

The district is small, so the engine's pool is forced with ``DANGJIAN_WORKERS=2``.  Which pages the workers
really rendered is written by the workers themselves to a file (they are forked: a counter in this process
would not see them).
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from support import AS_OF_ARG, cli, synthetic_project
from trust_util import tree

from generator import cache
from generator.engine import mkdocs_page_cache, mkdocs_pool
from generator.engine.mkdocs_page_cache import Built, PageCache, site_version
from generator.pages import parallel

pytestmark = pytest.mark.skipif("fork" not in mp.get_all_start_methods(), reason="the pool needs fork")


@dataclass
class Builds:
    project: Path
    root: Path
    rendered: Path  # one line per page whose Markdown a worker rendered

    def build(self, name: str, env: dict[str, str] | None = None) -> tuple[dict[str, bytes], list[str]]:
        """Build into ``root/name``; the site's files and the pages the workers rendered."""
        self.rendered.write_text("", encoding="utf-8")
        out = self.root / name
        result = cli("build", "-p", str(self.project), "--as-of", AS_OF_ARG, "-o", str(out), env=env)
        assert result.exit_code == 0, result.output
        return tree(out), self.rendered.read_text(encoding="utf-8").splitlines()


@pytest.fixture
def builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Builds]:
    project = synthetic_project(tmp_path / "project", 8, 3)  # three towns: 3, 3 and 2 communities
    rendered = tmp_path / "rendered.txt"
    real = mkdocs_pool._render_on_worker

    def logged(job: Any, index: int, file: Any, *args: Any) -> None:
        if job.render is not None and file.src_uri in job.deferred:
            with rendered.open("a", encoding="utf-8") as out:  # one short line per write: appends do not interleave
                out.write(file.src_uri + "\n")
        real(job, index, file, *args)

    monkeypatch.setattr(mkdocs_pool, "_render_on_worker", logged)
    monkeypatch.setenv(parallel.WORKERS_ENV, "2")
    monkeypatch.delenv("DANGJIAN_NO_CACHE", raising=False)
    # The session may hold idle server threads (browser tests); the pools' guard against forking them has its own test.
    monkeypatch.setattr(parallel.threading, "active_count", lambda: 1)
    yield Builds(project, tmp_path, rendered)


def _plain(builds: Builds, name: str) -> dict[str, bytes]:
    """The reference: serial and without any cache."""
    site, rendered = builds.build(name, {"DANGJIAN_WORKERS": "1", "DANGJIAN_NO_CACHE": "1"})
    assert rendered == []
    return site


def _same(a: dict[str, bytes], b: dict[str, bytes]) -> None:
    assert sorted(a) == sorted(b)
    assert [p for p in a if a[p] != b[p]] == []


def test_a_warm_build_renders_no_page_again_and_gives_the_same_bytes(builds: Builds) -> None:
    plain = _plain(builds, "plain")
    cold, rendered = builds.build("cold")
    pages = [p for p in plain if p.endswith(".html")]
    assert len(rendered) > 100 and len(set(rendered)) == len(rendered)  # every page once, on the workers
    assert list((builds.project / ".cache" / mkdocs_page_cache.KIND).rglob("*"))
    warm, again = builds.build("warm")
    assert again == []  # every page came from the cache
    assert len(pages) > 100
    _same(cold, plain)
    _same(warm, plain)


def test_one_community_edited_renders_its_pages_and_those_that_list_it(builds: Builds) -> None:
    _, first = builds.build("cold")
    profile = sorted((builds.project / "communities").glob("*/*/profile.yml"))[4]
    community = profile.parent.relative_to(builds.project / "communities").as_posix()
    text = profile.read_text(encoding="utf-8")
    assert "\nname: " in "\n" + text
    profile.write_text("\n".join(f"{line}改" if line.startswith("name: ") else line for line in text.splitlines())
                       + "\n", encoding="utf-8")
    warm, again = builds.build("warm")
    assert again and len(again) < len(first) / 2, (len(again), len(first))
    assert f"towns/{community}/index.md" in again  # its board, whose name changed
    communities = {c.relative_to(builds.project / "communities").as_posix()
                   for c in (builds.project / "communities").glob("*/*") if c.is_dir()}

    def others(pages: list[str]) -> set[str]:
        """Pages of the other communities: their boards and everything under them, their screens."""
        return {p for p in pages for c in communities - {community}
                if p.startswith((f"towns/{c}/", f"screen/{c}/"))}

    assert len(others(first)) > 50 and others(again) == set()
    _same(warm, _plain(builds, "plain"))


def test_a_damaged_entry_is_built_again(builds: Builds) -> None:
    """Five pages' entries and the HTML entries of three other pages damaged: those pages (and any other page
    with the same HTML as one of the three) are built again, and stored again."""
    builds.build("cold")
    top = builds.project / ".cache" / mkdocs_page_cache.KIND
    html = set(_html_entries(builds))
    metas = {p: json.loads((cache.unpack(p.read_bytes()) or [b""])[0])["html"]
             for p in sorted(top.rglob("*")) if p.is_file() and p not in html}
    damaged = list(metas)[:5]
    kept = {d for p, d in metas.items() if p not in damaged and d is not None}
    digests = sorted(kept - {metas[p] for p in damaged})[:3]
    stored = [cache.entry_path(builds.project / ".cache", mkdocs_page_cache.KIND, cache.cache_key("html", d))
              for d in digests]
    for entry in [*damaged, *stored]:
        data = entry.read_bytes()
        entry.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    warm, again = builds.build("warm")
    assert len(again) == 5 + sum(1 for p, d in metas.items() if p not in damaged and d in digests), again
    _same(warm, _plain(builds, "plain"))
    _, third = builds.build("third")
    assert third == []


def test_a_build_keeps_the_entries_it_used_and_removes_those_unused_for_a_week(builds: Builds) -> None:
    """The folder does not grow with every version of the code: a used entry is touched, one no build used for
    ``cache.KEEP_DAYS`` days is removed once a build succeeds, and a recent unused one stays."""
    builds.build("cold")
    top = builds.project / ".cache" / mkdocs_page_cache.KIND
    entries = sorted(p for p in top.rglob("*") if p.is_file())
    stale, recent = top / "00" / ("0" * 64), top / "00" / ("1" * 64)
    stale.parent.mkdir(exist_ok=True)
    stale.write_bytes(b"an entry of another version of the code")
    recent.write_bytes(b"one of yesterday")
    long_ago = time.time() - (cache.KEEP_DAYS + 1) * 86400
    last_walk = top.parent / (cache.PRUNED + mkdocs_page_cache.KIND)
    assert last_walk.is_file()  # the cold build walked the folder
    for entry in [*entries, stale, last_walk]:  # and it did so more than a day ago
        os.utime(entry, (long_ago, long_ago))
    yesterday = time.time() - 86400
    os.utime(recent, (yesterday, yesterday))
    _, again = builds.build("warm")
    assert again == []  # every page from an entry, each of them used, so touched
    assert not stale.exists() and recent.exists()
    assert [e for e in entries if not e.exists() or e.stat().st_mtime < yesterday] == []


def test_entries_used_within_a_day_are_not_touched_again(builds: Builds) -> None:
    """A page's entry (and its HTML's) is marked used at most daily: a warm build an hour after the last one takes
    every page from its entry without a system call to re-date it."""
    builds.build("cold")
    top = builds.project / ".cache" / mkdocs_page_cache.KIND
    entries = sorted(p for p in top.rglob("*") if p.is_file())
    an_hour_ago = time.time() - 3600
    for entry in entries:
        os.utime(entry, (an_hour_ago, an_hour_ago))
    _, again = builds.build("warm")
    assert again == []
    assert [e for e in entries if e.stat().st_mtime != an_hour_ago] == []


def test_the_theme_changes_every_page_s_key(builds: Builds) -> None:
    _, first = builds.build("cold")
    theme = builds.project / "theme"
    shutil.copytree(Path(__file__).resolve().parents[1] / "theme", theme)
    main = theme / "main.html"
    main.write_text(main.read_text(encoding="utf-8") + "\n{# changed #}\n", encoding="utf-8")
    _, again = builds.build("warm")
    assert sorted(again) == sorted(first)


def test_the_site_version_covers_config_theme_and_date(tmp_path: Path) -> None:
    theme = tmp_path / "theme"
    (theme / "partials").mkdir(parents=True)
    (theme / "partials" / "footer.html").write_text("<footer></footer>", encoding="utf-8")
    base = site_version("site_name: 甲\n", theme, "2026-11-27")
    assert site_version("site_name: 甲\n", theme, "2026-11-27") == base
    assert site_version("site_name: 乙\n", theme, "2026-11-27") != base
    assert site_version("site_name: 甲\n", theme, "2026-11-28") != base
    (theme / "partials" / "footer.html").write_text("<footer>!</footer>", encoding="utf-8")
    assert site_version("site_name: 甲\n", theme, "2026-11-27") != base
    cache = PageCache(tmp_path / "cache", base)
    assert cache.for_files(["a.md", "b.md"]).version == cache.for_files(["b.md", "a.md"]).version
    assert cache.for_files(["a.md", "b.md"]).version != cache.for_files(["a.md"]).version
    key = cache.key("a.md", False, "# 甲".encode())
    assert len({key, cache.key("b.md", False, "# 甲".encode()), cache.key("a.md", True, "# 甲".encode()),
                cache.key("a.md", False, "# 乙".encode())}) == 4


def test_an_entry_reads_back_as_it_was_kept(tmp_path: Path) -> None:
    cache = PageCache(tmp_path, "v")
    html = b"<html>\xe7\x94\xb2</html>"
    digest = hashlib.sha256(html).hexdigest()
    built = Built(digest, [{"location": "a/", "title": "甲", "text": "正文"}],
                  [("mkdocs.structure.pages", 30, "甲")], [], ["top"], {"b.md": {"x": "b/#x"}}, None)
    cache.put("k", built, html)
    assert cache.get("k") == built and cache.html(digest) == html
    cache.put("none", Built(None, [], [], [], None, None, "标题"), None)
    assert cache.get("none") == Built(None, [], [], [], None, None, "标题")
    assert cache.get("missing") is None and cache.html("0" * 64) is None


def test_a_page_s_html_is_kept_once_for_every_entry_that_has_it(tmp_path: Path) -> None:
    pages = PageCache(tmp_path, "v")
    html = b"<p>same</p>"
    digest = hashlib.sha256(html).hexdigest()
    for key in ("k1", "k2"):  # two versions of the code that gave the same page
        pages.put(key, Built(digest, [], [], [], None, None, None), html)
    assert len([p for p in (tmp_path / mkdocs_page_cache.KIND).rglob("*") if p.is_file()]) == 3
    stored = next(p for p in (tmp_path / mkdocs_page_cache.KIND).rglob("*") if p.is_file()
                  and (cache.unpack(p.read_bytes()) or [b""])[0] == html)
    stored.write_bytes(stored.read_bytes()[:-1] + b"!")  # damaged: not given, and gone
    assert pages.html(digest) is None and not stored.exists()
    pages.put("k3", Built(digest, [], [], [], None, None, None), html)  # stored again by the next build of it
    assert pages.html(digest) == html


def _html_entries(builds: Builds) -> list[Path]:
    """The page cache's HTML entries (the others hold JSON)."""
    top = builds.project / ".cache" / mkdocs_page_cache.KIND
    return [p for p in top.rglob("*")
            if p.is_file() and not (cache.unpack(p.read_bytes()) or [b"{"])[0].startswith(b"{")]


def test_a_warm_build_over_the_published_site_links_its_pages_without_reading_them(builds: Builds) -> None:
    """A page taken from the cache whose published file the output check verified with the same bytes is a
    link to that file: with every HTML entry gone, no page is rendered again, and the site is the same."""
    first, _ = builds.build("site")
    inodes = {p: (builds.root / "site" / p).stat().st_ino for p in first if p.endswith(".html")}
    html = _html_entries(builds)
    assert len(html) > 100
    for entry in html:
        entry.unlink()
    again, rendered = builds.build("site")
    assert rendered == []
    assert [p for p, ino in inodes.items() if (builds.root / "site" / p).stat().st_ino != ino] == []
    _same(again, first)
    _same(again, _plain(builds, "plain"))


def test_a_published_page_changed_since_it_was_verified_is_not_linked(builds: Builds) -> None:
    first, _ = builds.build("site")
    board = next(p for p in sorted(first) if p.startswith("towns/") and p.count("/") == 3 and p.endswith("/index.html"))
    page = builds.root / "site" / board
    page.write_bytes(page.read_bytes().replace(b"</body>", b"<p>changed</p></body>"))
    again, rendered = builds.build("site")
    assert rendered == []  # taken from the cache's HTML, not the published file
    assert page.read_bytes() == first[board] and page.stat().st_nlink == 1
    _same(again, _plain(builds, "plain"))
