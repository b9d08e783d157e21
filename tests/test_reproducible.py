"""Reproducible builds: the same input and --as-of give byte-identical trees, whatever the clock says.

Builds run in fresh interpreters with different hash seeds (set iteration order) and different
SOURCE_DATE_EPOCH values (MkDocs's build date), so neither can leak into the output.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
import shutil
import struct
from pathlib import Path
from typing import Any

import pytest
from support import AS_OF, AS_OF_ARG, REPO, TRUST, copy_project, synthetic_project
from trust_util import build, build_subprocess, tree

AS_OF_EPOCH = int(dt.datetime.combine(AS_OF, dt.time(), dt.UTC).timestamp())


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, bytes]]:
    root = tmp_path_factory.mktemp("repro")
    out = []
    for i, env in enumerate([{"PYTHONHASHSEED": "1"},
                             {"PYTHONHASHSEED": "2", "SOURCE_DATE_EPOCH": "1700000000"},
                             {"PYTHONHASHSEED": "3", "TZ": "Pacific/Kiritimati"}]):
        site = root / f"site{i}"
        # No cache: each build runs the image and QR encoders themselves, so their output is what is compared.
        result = build_subprocess(TRUST, site, {**env, "DANGJIAN_NO_CACHE": "1"})
        assert result.returncode == 0, result.stderr
        out.append(tree(site))
    return out


def test_identical_trees(builds: list[dict[str, bytes]]) -> None:
    first = builds[0]
    assert len(first) > 50
    for other in builds[1:]:
        assert sorted(other) == sorted(first)
        assert [p for p in first if first[p] != other[p]] == []


def test_sitemap_gzip_header_is_not_the_clock(builds: list[dict[str, bytes]]) -> None:
    data = builds[0]["sitemap.xml.gz"]
    mtime = struct.unpack("<I", data[4:8])[0]
    assert mtime == AS_OF_EPOCH
    assert gzip.decompress(data) == builds[0]["sitemap.xml"]


def test_search_index_follows_the_sorted_pages(builds: list[dict[str, bytes]]) -> None:
    docs = json.loads(builds[0]["search/search_index.json"])["docs"]
    pages = [d["location"] for d in docs if "#" not in d["location"]]
    assert len(pages) > 5 and pages == sorted(pages, key=lambda loc: loc + "index.md")


def test_sitemap_lastmod_comes_from_the_page_not_the_clock(tmp_path: Path) -> None:
    """A page that carries its records' date (front matter ``lastmod``) shows it; others show none."""
    project = copy_project(TRUST, tmp_path / "project")
    (project / "content" / "dated.md").write_text("---\nlastmod: 2025-06-30\n---\n# 有日期的页面\n", encoding="utf-8")
    (project / "content" / "bad-date.md").write_text("---\nlastmod: 昨天\n---\n# 日期写错\n", encoding="utf-8")
    out = tmp_path / "site"
    assert build(project, out).exit_code == 0
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    dated = [re.sub(r"^https?://[^/]+/", "", loc) for loc in re.findall(r"<loc>([^<]*)</loc>\s*<lastmod>", sitemap)]
    board = re.compile(r"^towns/[a-z0-9-]+/[a-z0-9-]+/$")  # boards carry their records' latest date
    assert "dated/" in dated and all(loc == "dated/" or board.match(loc) for loc in dated), dated
    assert re.search(r"<loc>[^<]*/dated/</loc>\s*<lastmod>2025-06-30</lastmod>", sitemap), sitemap
    assert "昨天" not in sitemap


def test_source_date_epoch_gives_the_date(tmp_path: Path) -> None:
    """Without --as-of, SOURCE_DATE_EPOCH is 'today' (a CI can pin it), and two such builds match."""
    sites = []
    for i in range(2):
        site = tmp_path / f"s{i}"
        result = build_subprocess(TRUST, site, {"SOURCE_DATE_EPOCH": str(AS_OF_EPOCH + 3600 * i),
                                                "PYTHONHASHSEED": str(i)}, as_of=None)
        assert result.returncode == 0, result.stderr
        sites.append(tree(site))
    assert sites[0] == sites[1]
    assert json.loads(sites[0]["data/manifest.json"])["as_of"] == AS_OF_ARG


def test_inputs_are_read_in_sorted_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         builds: list[dict[str, bytes]]) -> None:
    """Directory listing order (which differs between file systems) does not change the output."""
    project = copy_project(TRUST, tmp_path / "project")
    real_iterdir, real_rglob = Path.iterdir, Path.rglob
    monkeypatch.setattr(Path, "iterdir", lambda self: iter(sorted(real_iterdir(self), reverse=True)))
    monkeypatch.setattr(Path, "rglob", lambda self, pattern: iter(sorted(real_rglob(self, pattern), reverse=True)))
    out = tmp_path / "site"
    result = build(project, out)
    monkeypatch.undo()
    assert result.exit_code == 0, result.output
    assert tree(out) == builds[0]


def test_templates_see_the_as_of_date_as_build_date(tmp_path: Path) -> None:
    """MkDocs hands templates a build date; without SOURCE_DATE_EPOCH it is pinned to --as-of, not the clock."""
    project = copy_project(TRUST, tmp_path / "project")
    shutil.copytree(REPO / "theme", project / "theme")
    main = project / "theme" / "main.html"
    main.write_text(main.read_text(encoding="utf-8").replace(
        "{% block extrahead %}", "{% block extrahead %}<meta name=\"dj-built\" "
        "content=\"{{ build_date_utc.strftime('%Y-%m-%d') }}\">", 1), encoding="utf-8")
    out = tmp_path / "site"
    result = build_subprocess(project, out, as_of="2026-06-30")
    assert result.returncode == 0, result.stderr
    assert '<meta name="dj-built" content="2026-06-30">' in (out / "index.html").read_text(encoding="utf-8")


def test_a_pooled_build_gives_the_bytes_of_a_serial_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rendering on worker processes (issue 14) changes nothing in the site: whole builds with
    ``DANGJIAN_WORKERS=2`` (forced: the district is below the pool's threshold) and ``=1`` are byte-identical.
    Both pools run in the first: our render's (pages' Markdown) and the engine's (templates, search, writing)."""
    from generator.engine import mkdocs_pool
    from generator.pages import parallel, registry

    project = synthetic_project(tmp_path / "project", 8, 3)  # three towns: 3, 3 and 2 communities
    monkeypatch.setenv("DANGJIAN_NO_CACHE", "1")
    pooled: list[bool] = []
    spooled: list[tuple[int, int, int]] = []
    real = registry.render_in_pool

    def spy(*args: Any) -> Any:
        output = real(*args)
        pooled.append(output is not None)
        if output is not None:  # the workers' pages and files were left on disk, not sent back
            spooled.append((len(output.spooled), len(output.spooled_files), output.page_count))
        return output

    monkeypatch.setattr(registry, "render_in_pool", spy)
    engine_pooled: list[bool] = []
    real_engine = mkdocs_pool._in_pool

    left: list[int] = []

    def engine_spy(*args: Any) -> bool:
        left.append(len(args[0].deferred))  # pages whose Markdown pass was left for the workers
        engine_pooled.append(real_engine(*args))
        return engine_pooled[-1]

    monkeypatch.setattr(mkdocs_pool, "_in_pool", engine_spy)
    # The test session may hold idle server threads of its own (the browser tests' site server), which the
    # pool's guard against forking a threaded process would see; that guard has its own test.
    monkeypatch.setattr(parallel.threading, "active_count", lambda: 1)
    sites = {}
    for workers in ("2", "1"):
        monkeypatch.setenv(parallel.WORKERS_ENV, workers)
        result = build(project, tmp_path / f"site-{workers}")
        assert result.exit_code == 0, result.output
        sites[workers] = tree(tmp_path / f"site-{workers}")
    assert pooled == [True]  # the first build rendered in the pool, the second did not try
    assert spooled[0][0] == spooled[0][2] > 50 and spooled[0][1] > 10  # every page and file left on disk
    assert engine_pooled == [True]
    assert left[0] > 100  # every page: the nav names its pages with their titles
    assert len(sites["1"]) > 100 and sorted(sites["2"]) == sorted(sites["1"])
    assert [p for p in sites["1"] if sites["1"][p] != sites["2"][p]] == []
