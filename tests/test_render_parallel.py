"""Rendering in a process pool (issue 14): the same pages, files, nav and log, in the same order, as a
serial render; every path belongs to one community or to the site; a failing worker fails as serially.

The pool is forced with ``DANGJIAN_WORKERS`` (the fixtures are smaller than the pool's threshold), and
each test that compares with a serial render first checks that the pool really rendered.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from support import AS_OF, BOARDS_DISTRICT, REPO, TRUST, synthetic_project

from generator import urls
from generator.context import SiteContext
from generator.messages import msg
from generator.pages import parallel, registry
from generator.pages.output import Output, Scope, Spooled
from generator.pipeline import prepare

pytestmark = pytest.mark.skipif("fork" not in mp.get_all_start_methods(), reason="the pool needs fork")
_PRODUCERS = registry.PRODUCERS


def _sample(dest: Path) -> Path:
    """The repository's sample project (three towns, fourteen published communities)."""
    for part in ("communities", "content"):
        shutil.copytree(REPO / part, dest / part)
    shutil.copy(REPO / "site_config.yml", dest / "site_config.yml")
    return dest


def _synthetic(dest: Path) -> Path:
    """Ten copies of the sample's communities in towns of three (four towns: 3, 3, 3 and 1)."""
    return synthetic_project(dest, 10, 3)


# Districts of several towns (the pool needs two shards or more); "trust" has one published town, and
# hand-written content pages: it is rendered in shares, not in the pool.
PROJECTS = {"sample": _sample, "boards": lambda dest: shutil.copytree(BOARDS_DISTRICT, dest),
            "synthetic": _synthetic}
ONE_TOWN = {"trust": lambda dest: shutil.copytree(TRUST, dest)}


def _context(name: str, tmp_path_factory: pytest.TempPathFactory) -> SiteContext:
    project = tmp_path_factory.mktemp(name) / "project"
    {**PROJECTS, **ONE_TOWN}[name](project)
    result = prepare(project, AS_OF)
    assert result.context is not None, [str(e) for e in result.log]
    return result.context


@pytest.fixture(scope="module", params=sorted(PROJECTS))
def context(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> SiteContext:
    return _context(request.param, tmp_path_factory)


@pytest.fixture(scope="module", params=sorted([*PROJECTS, *ONE_TOWN]))
def any_context(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> SiteContext:
    return _context(request.param, tmp_path_factory)


@pytest.fixture(autouse=True)
def _no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every render encodes its QR codes and images itself (a cache could hide a worker's wrong bytes)."""
    monkeypatch.setenv("DANGJIAN_NO_CACHE", "1")


def _snapshot(output: Output) -> dict[str, Any]:
    """Everything a render gives, in order (dicts as lists of items)."""
    return {"pages": list(output.pages.items()), "files": list(output.files.items()), "nav": output.nav,
            "untrusted": sorted(output.untrusted), "errors": list(output.log.errors),
            "warnings": list(output.log.warnings)}


_SERIAL: dict[SiteContext, Output] = {}


def _serial(context: SiteContext) -> Output:
    """A serial render (the one of the unchanged producers once per context; tests only read it)."""
    if registry.PRODUCERS is not _PRODUCERS:
        return registry.render_part(context, Scope()).output
    if context not in _SERIAL:
        _SERIAL[context] = registry.render_part(context, Scope()).output
    return _SERIAL[context]


@pytest.fixture(autouse=True)
def _alone(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The test session may hold idle server threads of its own (the browser tests' site server), which
    the pool's guard against forking a threaded process would see; the guard is tested on its own
    (``other_thread``), with a real thread and the real count."""
    if "other_thread" not in request.fixturenames:
        monkeypatch.setattr(parallel.threading, "active_count", lambda: 1)


def _pooled(context: SiteContext, monkeypatch: pytest.MonkeyPatch, workers: str = "2") -> Output:
    """The pool's render; fails when the pool would not be used or gave up (no silent serial fallback)."""
    monkeypatch.setenv(parallel.WORKERS_ENV, workers)
    n, shard_keys = parallel.plan(context)
    assert n >= 2 and len(shard_keys) >= 2, (n, shard_keys)
    output = parallel.render_in_pool(context, n, shard_keys, registry.render_part)
    assert output is not None, "a part of the pooled render failed"
    assert mp.active_children() == []  # the workers are gone
    return output


# --- (a) the pool renders what a serial render does --------------------------------------------------

def test_the_pool_gives_the_serial_render(context: SiteContext, monkeypatch: pytest.MonkeyPatch) -> None:
    serial = _serial(context)
    assert len(serial.pages) > 20 and serial.files and serial.nav
    assert _snapshot(_pooled(context, monkeypatch)) == _snapshot(serial)


def _read_back(output: Output) -> tuple[dict[str, str], dict[str, bytes]]:
    """An output's pages and files, those left on disk read back from their packs."""
    pages = {**output.pages, **{p: w.read().decode("utf-8") for p, w in output.spooled.items()}}
    files = {**output.files, **{p: w.read() for p, w in output.spooled_files.items()}}
    return pages, files


def test_a_spooled_pool_leaves_the_community_pages_on_disk(context: SiteContext, monkeypatch: pytest.MonkeyPatch,
                                                           tmp_path: Path) -> None:
    """With a spool (what ``dangjian build`` gives), the workers write their pages and files and send back
    where they are, and this process writes the site-wide share's: one pack file per part; reading them back
    gives the serial render's pages, files, nav and log."""
    serial = _serial(context)
    monkeypatch.setenv(parallel.WORKERS_ENV, "2")
    n, shard_keys = parallel.plan(context)
    output = parallel.render_in_pool(context, n, shard_keys, registry.render_part, tmp_path)
    assert output is not None
    assert not output.pages and not output.files and output.spooled and output.spooled_files
    packs = {w.pack for w in [*output.spooled.values(), *output.spooled_files.values()]}
    assert sorted(packs) == sorted(str(p) for p in tmp_path.iterdir()) and len(packs) == len(shard_keys) + 1
    assert output.page_count == len(serial.pages) and output.file_count == len(serial.files)
    assert _read_back(output) == (serial.pages, serial.files)
    assert (output.nav, list(output.log.errors), list(output.log.warnings)) == (
        serial.nav, list(serial.log.errors), list(serial.log.warnings))


def test_the_site_wide_shares_run_every_producer_once() -> None:
    shares = registry.site_shares()
    names = [p.__name__ for p in registry.PRODUCERS]
    assert len(set(names)) == len(names)  # a share names its producers: two with one name could not be told apart
    assert all(s.site_wide and s.communities == frozenset() and s.producers for s in shares)
    assert sorted(n for s in shares for n in s.producers or ()) == sorted(names)
    assert [s.producers for s in shares[1:]] == [frozenset({n}) for n in registry.POOLED_SITE_WIDE]


def test_site_wide_shares_on_the_workers_give_the_serial_render(context: SiteContext,
                                                                monkeypatch: pytest.MonkeyPatch,
                                                                tmp_path: Path) -> None:
    """The costliest site-wide producers run on the workers (their pages are in packs the workers wrote), the
    rest here; put together with the nav made from all of them, it is the serial render, in order."""
    serial = _serial(context)
    monkeypatch.setenv(parallel.WORKERS_ENV, "2")
    n, shard_keys = parallel.plan(context)
    output = parallel.render_in_pool(context, n, shard_keys, registry.render_part, tmp_path, registry.site_shares())
    assert output is not None and output.nav == []  # the first share runs some producers: it makes no nav
    output.nav = registry.build_nav(context, output)
    here = f"{tmp_path}/{os.getpid()}-"
    items = {urls.source(urls.rubric_item_page(no)) for no in range(1, 24)}
    item_pages = [w for p, w in output.spooled.items() if p in items]
    home = output.spooled[urls.source(urls.HOME)]
    assert home.pack.startswith(here)
    assert item_pages and not any(w.pack.startswith(here) for w in item_pages)
    scores_json = output.spooled_files[urls.SCORES_JSON]  # the largest file: written by a worker, not held here
    assert not scores_json.pack.startswith(here) and scores_json.length > 0
    pages, files = _read_back(output)
    assert list(pages.items()) == list(serial.pages.items()) and list(files.items()) == list(serial.files.items())
    assert (output.nav, list(output.log.errors), list(output.log.warnings)) == (
        serial.nav, list(serial.log.errors), list(serial.log.warnings))


def test_a_spooled_part_reads_back_byte_for_byte(tmp_path: Path) -> None:
    """Carriage returns, a leading byte-order mark and NUL bytes come back as they went in (a pack is bytes,
    not a text file read with universal newlines), in one pack for the part."""
    pages = {"a/index.md": "# 甲", "b/index.md": "标题\r\n正文", "c/index.md": "\ufeff# 标题", "d/index.md": ""}
    files = {"a/x.png": b"\r\n\x00", "b/y.svg": "\ufeff<svg/>".encode()}
    output = Output(pages=dict(pages), files=dict(files))
    part = parallel.Part(output, [parallel.Mark.of(output)])
    parallel.spool_part(part, tmp_path)
    assert not output.pages and not output.files and len(list(tmp_path.iterdir())) == 1
    assert _read_back(output) == (pages, files)
    assert list(output.spooled) == list(pages) and list(output.spooled_files) == list(files)  # order kept
    assert parallel.merge([part]).page_count == 4
    empty = Output()
    parallel.spool_part(parallel.Part(empty, [parallel.Mark.of(empty)]), tmp_path)
    assert len(list(tmp_path.iterdir())) == 1  # nothing to spool: no pack


def test_a_page_written_twice_is_caught_across_memory_and_spool() -> None:
    output = Output(pages={"a/index.md": "# 甲"})
    with pytest.raises(ValueError, match=r"a/index\.md"):
        output.add_spooled("a/index.md", Spooled("/spool/1", 0, 1), page=True)
    output.add_spooled("b/index.md", Spooled("/spool/2", 0, 1), page=True)
    with pytest.raises(ValueError, match=r"b/index\.md"):
        output.add_page("b/index.md", "# 乙")


def test_render_site_uses_the_pool_and_matches_a_serial_build(context: SiteContext,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(parallel.WORKERS_ENV, "1")
    serial, serial_log = registry.render_site(context)
    used: list[int] = []
    real = parallel.render_in_pool

    def spy(*args: Any) -> Output | None:
        out = real(*args)
        used.append(out is not None)
        return out

    monkeypatch.setattr(registry, "render_in_pool", spy)
    monkeypatch.setenv(parallel.WORKERS_ENV, "3")
    pooled, pooled_log = registry.render_site(context)
    assert used == [True]
    assert _snapshot(pooled) == _snapshot(serial)
    assert pooled_log is pooled.log and list(pooled_log) == list(serial_log)


def _community_keys(context: SiteContext) -> list[str]:
    return [c.key for c in context.district.communities()]


def _noisy(context: SiteContext, output: Output) -> None:
    """A producer with log entries of both kinds: one site-wide, then one per community."""
    if output.site_wide:
        output.log.warn("communities/district.yml", 1, "", msg("changes.manifest_ignored", problem="site"))
    for key in _community_keys(context):
        if output.covers(key):
            output.log.warn(f"communities/{key}/profile.yml", 2, "", msg("changes.manifest_ignored", problem=key))
            output.log.add(f"communities/{key}/brands.yml", 3, "", msg("changes.manifest_ignored", problem=key))


def test_log_entries_come_back_in_serial_order(context: SiteContext, monkeypatch: pytest.MonkeyPatch) -> None:
    producers = list(registry.PRODUCERS)
    monkeypatch.setattr(registry, "PRODUCERS", [*producers[:3], _noisy, *producers[3:], _noisy])
    serial = _serial(context)
    assert len(serial.log.warnings) >= 2 * (1 + len(_community_keys(context)))
    pooled = _pooled(context, monkeypatch)
    assert pooled.log.warnings == serial.log.warnings and pooled.log.errors == serial.log.errors


# --- (b) every path belongs to one community or to the site -----------------------------------------------

def _owners(context: SiteContext) -> dict[str, str]:
    """Address prefix -> the community whose pages live there, from the URL scheme (not from the producers)."""
    owners: dict[str, str] = {}
    for c in context.district.communities():
        owners[urls.community(c.town_id, c.id)] = c.key
        owners[urls.screen(c.town_id, c.id)] = c.key
        for b in c.brands.brands:
            for bid in (b.id, *b.former_ids):
                owners[urls.brand(bid)] = c.key
                owners[urls.brand_media(bid) + "/"] = c.key
    return owners


def _owner(owners: dict[str, str], path: str) -> str | None:
    parts = path.split("/")
    for n in range(len(parts) - 1, 0, -1):
        found = owners.get("/".join(parts[:n]) + "/")
        if found is not None:
            return found
    return None


def test_site_wide_and_community_shares_partition_the_site(any_context: SiteContext) -> None:
    context = any_context
    full = _serial(context)
    site = registry.render_scoped(context, frozenset(), site_wide=True)
    communities = registry.render_scoped(context, None, site_wide=False)
    assert not set(site.pages) & set(communities.pages) and not set(site.files) & set(communities.files)
    assert {**site.pages, **communities.pages} == full.pages
    assert {**site.files, **communities.files} == full.files
    assert site.nav == full.nav and communities.nav == []
    assert site.untrusted == full.untrusted and not communities.untrusted
    assert sorted([*site.log.errors, *communities.log.errors]) == sorted(full.log.errors)
    assert sorted([*site.log.warnings, *communities.log.warnings]) == sorted(full.log.warnings)
    owners = _owners(context)
    assert [p for p in [*site.pages, *site.files] if _owner(owners, p) is not None] == []
    assert [p for p in [*communities.pages, *communities.files] if _owner(owners, p) is None] == []
    town_pages = [urls.source(urls.town(t.id)) for t in context.district.towns]
    assert set(town_pages) <= set(site.pages) and urls.source(urls.HOME) in site.pages


def test_the_changes_page_links_pages_rendered_elsewhere(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The changes page (rendered with the site-wide share) links every changed record's page, also the
    pages of the communities' shares (brand pages): it links from the records, not from pages seen so far."""
    context = _context("sample", tmp_path_factory)
    context.previous_records, context.previous_day = {}, AS_OF  # every published record reads as new
    full = registry.render_scoped(context, None, site_wide=True)
    site = registry.render_scoped(context, frozenset(), site_wide=True)
    page = urls.source(urls.CHANGES)
    brand = next(b for c in context.district.communities() for b in c.brands.brands)
    assert f'href="../{urls.brand(brand.id)}"' in full.pages[page]
    assert site.pages[page] == full.pages[page]
    assert site.pages[urls.source(urls.HISTORY)] == full.pages[urls.source(urls.HISTORY)]


def test_a_community_share_holds_that_community_s_pages_only(any_context: SiteContext) -> None:
    context = any_context
    owners = _owners(context)
    everything = registry.render_scoped(context, None, site_wide=False)
    pages: dict[str, str] = {}
    files: dict[str, bytes] = {}
    for key in _community_keys(context):
        one = registry.render_scoped(context, frozenset({key}), site_wide=False)
        assert urls.source(urls.community_key(key)) in one.pages and one.nav == []
        assert {p: _owner(owners, p) for p in [*one.pages, *one.files]} == dict.fromkeys([*one.pages, *one.files], key)
        assert not set(one.pages) & set(pages) and not set(one.files) & set(files)
        pages.update(one.pages)
        files.update(one.files)
    assert pages == everything.pages and files == everything.files


def test_the_sample_s_brands_pages_and_images_are_their_community_s(tmp_path: Path) -> None:
    """The sample has brand images and a renamed brand: its page, images, QR code and redirect go with it."""
    context = prepare(_sample(tmp_path / "sample"), AS_OF).context
    assert context is not None
    owned = next(c for c in context.district.communities() if any(b.images for b in c.brands.brands))
    brand = next(b for b in owned.brands.brands if b.images)
    one = registry.render_scoped(context, frozenset({owned.key}), site_wide=False)
    assert urls.source(urls.brand(brand.id)) in one.pages
    assert urls.qr_png(urls.brand(brand.id)) in one.files
    assert any(f.startswith(urls.brand_media(brand.id) + "/") for f in one.files)
    renamed = [(c, b) for c in context.district.communities() for b in c.brands.brands if b.former_ids]
    for c, b in renamed:
        share = registry.render_scoped(context, frozenset({c.key}), site_wide=False)
        assert {urls.brand_redirect(old) for old in b.former_ids} <= set(share.files)


def test_merging_town_shares_gives_the_serial_order(context: SiteContext) -> None:
    """Every producer writes its site-wide pages first, then its communities' town by town (what the
    pool's merge relies on), checked here without a pool, with one share per town."""
    towns = [frozenset(c.key for c in t.communities) for t in context.district.towns if t.communities]
    parts = [registry.render_part(context, Scope(frozenset(), site_wide=True)),
             *(registry.render_part(context, Scope(keys, site_wide=False)) for keys in towns)]
    assert _snapshot(parallel.merge(parts)) == _snapshot(_serial(context))


def test_a_producer_that_ignores_the_scope_is_caught(context: SiteContext, monkeypatch: pytest.MonkeyPatch) -> None:
    def unscoped(context: SiteContext, output: Output) -> None:
        output.add_page("unscoped/index.md", "# 全站页面")

    monkeypatch.setattr(registry, "PRODUCERS", [*registry.PRODUCERS, unscoped])
    parts = [registry.render_part(context, Scope(frozenset(), site_wide=True)),
             registry.render_part(context, Scope(None, site_wide=False))]
    with pytest.raises(ValueError, match=r"unscoped/index\.md"):
        parallel.merge(parts)


# --- (c) failures ------------------------------------------------------------------------------------------

def _last_community(context: SiteContext) -> str:
    return _community_keys(context)[-1]


def test_a_producer_failing_in_a_worker_fails_as_serially(context: SiteContext,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    victim = _last_community(context)

    def fails(context: SiteContext, output: Output) -> None:
        if output.covers(victim):  # pooled: only in the worker's share that holds the victim
            raise RuntimeError(f"cannot render {victim}")

    monkeypatch.setattr(registry, "PRODUCERS", [*registry.PRODUCERS[:4], fails, *registry.PRODUCERS[4:]])
    monkeypatch.setenv(parallel.WORKERS_ENV, "2")
    n, shard_keys = parallel.plan(context)
    assert parallel.render_in_pool(context, n, shard_keys, registry.render_part) is None
    assert mp.active_children() == []
    with pytest.raises(RuntimeError) as serial:
        _serial(context)
    with pytest.raises(RuntimeError) as pooled:
        registry.render_site(context)
    assert str(pooled.value) == str(serial.value) == f"cannot render {victim}"
    assert pooled.traceback[-1].name == "fails"  # raised here, in this process, as a serial render raises it


def test_a_worker_that_dies_costs_time_not_the_render(context: SiteContext, monkeypatch: pytest.MonkeyPatch) -> None:
    parent = os.getpid()

    def dies(context: SiteContext, output: Output) -> None:
        if os.getpid() != parent:
            os._exit(70)  # a worker killed (out of memory, a signal): the pool breaks

    serial = _serial(context)
    monkeypatch.setattr(registry, "PRODUCERS", [dies, *registry.PRODUCERS])
    monkeypatch.setenv(parallel.WORKERS_ENV, "2")
    n, shard_keys = parallel.plan(context)
    assert parallel.render_in_pool(context, n, shard_keys, registry.render_part) is None
    output, _log = registry.render_site(context)
    assert _snapshot(output) == _snapshot(serial)
    assert mp.active_children() == []


# --- the plan: when the pool is used, and how the district is split ---------------------------------------

def _towns(*sizes: int) -> list[Any]:
    return [SimpleNamespace(id=f"t{i}", communities=[SimpleNamespace(key=f"t{i}/c{j}") for j in range(n)])
            for i, n in enumerate(sizes)]


def _town_ids(groups: list[frozenset[str]], towns: list[Any]) -> list[list[str]]:
    """Each group as the ids of its towns (a town is never split)."""
    out = []
    for g in groups:
        ids = [t.id for t in towns if {c.key for c in t.communities} & g]
        assert all({c.key for c in t.communities} <= g for t in towns if t.id in ids)
        out.append(ids)
    return out


@pytest.mark.parametrize(("sizes", "count", "expected"), [
    ((40,) * 5, 6, [["t0"], ["t1"], ["t2"], ["t3"], ["t4"]]),
    ((40,) * 6, 3, [["t0", "t1"], ["t2", "t3"], ["t4", "t5"]]),
    ((10, 10, 10, 70), 2, [["t0", "t1", "t2"], ["t3"]]),
    ((5, 0, 5, 5, 5), 2, [["t0", "t2"], ["t3", "t4"]]),
    ((7, 9), 1, [["t0", "t1"]]),
])
def test_shards_are_runs_of_whole_towns_in_district_order(sizes: tuple[int, ...], count: int,
                                                          expected: list[list[str]]) -> None:
    towns = _towns(*sizes)
    groups = parallel.shards(towns, count)
    assert _town_ids(groups, towns) == expected
    assert sum(len(g) for g in groups) == sum(sizes)


def test_the_pool_is_for_large_districts_on_several_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(parallel.WORKERS_ENV, raising=False)
    monkeypatch.setattr(parallel, "cpus", lambda: 2)
    assert parallel.workers_wanted(parallel.POOL_FROM - 1) == 1
    assert parallel.workers_wanted(parallel.POOL_FROM) == 2
    monkeypatch.setattr(parallel, "cpus", lambda: 1)
    assert parallel.workers_wanted(2000) == 1
    monkeypatch.setattr(parallel, "cpus", lambda: 64)
    assert parallel.workers_wanted(2000) == parallel.MAX_WORKERS


@pytest.mark.parametrize(("value", "small", "large"), [("1", 1, 1), ("3", 3, 3), ("", 1, 2), ("0", 1, 2),
                                                        ("zwei", 1, 2), (" 2 ", 2, 2)])
def test_the_environment_sets_the_workers(monkeypatch: pytest.MonkeyPatch, value: str, small: int,
                                          large: int) -> None:
    monkeypatch.setenv(parallel.WORKERS_ENV, value)
    monkeypatch.setattr(parallel, "cpus", lambda: 2)
    assert (parallel.workers_wanted(3), parallel.workers_wanted(2000)) == (small, large)


@pytest.fixture
def other_thread() -> Iterator[None]:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    yield
    stop.set()
    thread.join()


def test_a_process_with_other_threads_renders_serially(context: SiteContext, monkeypatch: pytest.MonkeyPatch,
                                                       other_thread: None) -> None:
    monkeypatch.setenv(parallel.WORKERS_ENV, "2")
    assert parallel.plan(context) == (1, [])


def test_workers_1_renders_serially(context: SiteContext, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(parallel.WORKERS_ENV, "1")
    assert parallel.plan(context) == (1, [])
    monkeypatch.setenv(parallel.WORKERS_ENV, "2")
    assert parallel.plan(context)[0] == 2
