"""The pipeline `dangjian serve` runs (``pipeline.Live``) gives what a fresh run gives, after any edit,
while redoing only what the edit can change: the edited files are parsed, the edited communities checked."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from scoring_util import ALPHA
from support import AS_OF, FULL_MARKS, REPO, copy_project
from test_history import PLEDGES, git

from generator import pipeline, urls
from generator.records import pii
from generator.records.load import ParseCache, load_district, release_line_maps
from generator.records.watch import scope_of
from generator.scoring import score

XINYUAN = "communities/hehua/xinyuan"


def same_as_fresh(live: pipeline.Live, project: Path) -> pipeline.Result:
    again, fresh = live.run(), pipeline.run(project, AS_OF)
    assert again.log.errors == fresh.log.errors
    assert again.log.warnings == fresh.log.warnings
    assert (again.output is None) == (fresh.output is None)
    if fresh.output is not None and again.output is not None:
        assert again.output.pages == fresh.output.pages
        assert again.output.files == fresh.output.files
        assert again.output.nav == fresh.output.nav
    return again


def edit(project: Path, rel: str, old: str, new: str) -> None:
    file = project / rel
    text = file.read_text(encoding="utf-8")
    assert old in text, rel
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def spied(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Any]]:
    """What each run re-rendered (``changed``) and which communities it scanned and scored again."""
    calls: dict[str, list[Any]] = {"rerender": [], "scanned": [], "scored": []}
    real_rerender, real_scan, real_check = pipeline.rerender, pii.scan_community, score.check_acceptance

    def rerender(context: Any, previous: Any, changed: frozenset[str] | None) -> Any:
        calls["rerender"].append(changed)
        return real_rerender(context, previous, changed)

    def scan(c: Any, allow: list[str]) -> Any:
        calls["scanned"].append(c.key)
        return real_scan(c, allow)

    def check(c: Any, *args: Any) -> Any:
        calls["scored"].append(c.key)
        return real_check(c, *args)

    monkeypatch.setattr(pipeline, "rerender", rerender)
    monkeypatch.setattr(pii, "scan_community", scan)
    monkeypatch.setattr(score, "check_acceptance", check)
    return calls


def test_an_edit_to_one_community_is_re_checked_alone_and_the_result_is_a_fresh_runs(
        project_copy, spied: dict[str, list[Any]]) -> None:  # type: ignore[no-untyped-def]
    project: Path = project_copy("boards_district")
    live = pipeline.Live(project, AS_OF)
    same_as_fresh(live, project)
    assert spied["rerender"] == [None]  # the first run renders everything
    for calls in spied.values():
        calls.clear()

    edit(project, f"{XINYUAN}/profile.yml", "name: ", "name: 改")
    same_as_fresh(live, project)

    assert spied["rerender"] == [frozenset({"hehua/xinyuan"})]
    assert live.caches.records.parsed == [f"{XINYUAN}/profile.yml"]
    for calls in (spied["scanned"], spied["scored"]):  # the live run, then the fresh one
        assert calls.count("hehua/xinyuan") == 2
        assert calls.count("chengnan/qingchuan") == 1 and calls.count("chengnan/liuyin") == 1


@pytest.mark.parametrize("rel", ["content/about.md", "site_config.yml", "communities/hehua/town.yml",
                                 "communities/district.yml"])
def test_an_edit_outside_the_communities_records_re_renders_and_re_checks_everything(
        project_copy, spied: dict[str, list[Any]], rel: str) -> None:  # type: ignore[no-untyped-def]
    project: Path = project_copy("boards_district")
    live = pipeline.Live(project, AS_OF)
    same_as_fresh(live, project)
    for calls in spied.values():
        calls.clear()

    file = project / rel
    file.write_text(file.read_text(encoding="utf-8") + "\n# 注释\n" if rel.endswith(".yml")
                    else file.read_text(encoding="utf-8") + "\n补充一段。\n", encoding="utf-8")
    same_as_fresh(live, project)

    assert spied["rerender"] == [None]
    for key in ("hehua/xinyuan", "chengnan/qingchuan", "chengnan/liuyin"):  # the live run, then the fresh one
        assert spied["scanned"].count(key) == 2 and spied["scored"].count(key) == 2, key


def test_a_series_of_edits_always_gives_what_a_fresh_run_gives(project_copy) -> None:  # type: ignore[no-untyped-def]
    project: Path = project_copy("boards_district")
    live = pipeline.Live(project, AS_OF)
    same_as_fresh(live, project)
    pledges = "communities/chengnan/qingchuan/pledges.yml"
    text = (project / pledges).read_text(encoding="utf-8")
    title = re.search(r"title: (.+)", text)
    assert title is not None

    edit(project, pledges, title.group(0), f"{title.group(0)}，联系电话13812345678")  # personal information
    broken = same_as_fresh(live, project)
    assert any("138" in str(err) for err in broken.log.errors)
    edit(project, pledges, "，联系电话13812345678", "")  # fixed again
    assert same_as_fresh(live, project).output is not None

    shutil.copytree(project / XINYUAN, project / "communities" / "hehua" / "xinyuan-two")  # a new community
    edit(project, "communities/hehua/xinyuan-two/profile.yml", "name: ", "name: 二")
    brands = project / "communities" / "hehua" / "xinyuan-two" / "brands.yml"
    brands.write_text(re.sub(r"(- id: )([a-z0-9-]+)", r"\1\2-two", brands.read_text(encoding="utf-8")),
                      encoding="utf-8")
    same_as_fresh(live, project)

    shutil.rmtree(project / "communities" / "hehua" / "xinyuan-two")  # removed again
    assert same_as_fresh(live, project).output is not None

    edit(project, pledges, "title: ", "title: ")  # rewritten, same bytes
    same_as_fresh(live, project)


def _mark(project: Path, rel: str, period: str, change: str) -> None:
    """Change the first mark of ``period``'s acceptance record in ``rel`` (``score: 3`` -> ``score: 3<change>``)."""
    file = project / rel
    text = file.read_text(encoding="utf-8")
    found = re.compile(f"^ +period: {period}$", re.M).search(text, text.index("\nacceptance:"))
    assert found is not None, rel
    start = found.start()
    at = text.index("score: ", start)
    end = text.index("\n", at)
    file.write_text(text[:at] + f"score: {float(text[at + 7:end]) + float(change)}" + text[end:], encoding="utf-8")


def test_score_edits_in_the_sample_district_give_a_fresh_runs_scores(tmp_path: Path) -> None:
    project = tmp_path / "sample"
    for name in ("communities", "content"):
        shutil.copytree(REPO / name, project / name)
    shutil.copy(REPO / "site_config.yml", project / "site_config.yml")
    live = pipeline.Live(project, AS_OF)
    first = same_as_fresh(live, project)
    assert first.output is not None
    page = "towns/songshi/yingyue/index.md"

    _mark(project, "communities/songshi/yingyue/assessments.yml", "2026-H1", "-0.5")  # the latest period
    again = same_as_fresh(live, project)
    assert again.output is not None and again.output.pages[page] != first.output.pages[page]

    _mark(project, "communities/songshi/zhuyun/assessments.yml", "2025-H2", "-0.5")  # a frozen period
    frozen = same_as_fresh(live, project)
    assert frozen.log.errors and frozen.output is None
    _mark(project, "communities/songshi/zhuyun/assessments.yml", "2025-H2", "0.5")
    assert same_as_fresh(live, project).output is not None


def test_the_record_cache_gives_the_district_a_fresh_load_gives(project_copy) -> None:  # type: ignore[no-untyped-def]
    project: Path = project_copy("boards_district")
    root = project / "communities"
    cache = ParseCache()

    def both() -> None:
        cached, cached_log = load_district(root, project, cache)
        fresh, fresh_log = load_district(root, project)
        assert cached is not None and fresh is not None
        release_line_maps(cached)  # the build's kept documents have none (``record_store``): compare records
        release_line_maps(fresh)
        assert cached == fresh
        assert cached_log.errors == fresh_log.errors and cached_log.warnings == fresh_log.warnings

    both()
    assert sorted(cache.parsed) == sorted(p.relative_to(project).as_posix() for p in root.rglob("*.yml"))
    pipeline.prepare(project, AS_OF, pipeline.Caches(records=cache))  # everything after loading reads only
    both()
    assert cache.parsed == []

    edit(project, f"{XINYUAN}/profile.yml", "name: ", "name: 改")
    both()
    assert cache.parsed == [f"{XINYUAN}/profile.yml"]

    shutil.copytree(root / "hehua" / "xinyuan", root / "hehua" / "added")  # added files
    both()
    assert sorted(cache.parsed) == sorted(f"communities/hehua/added/{p.name}"
                                          for p in (root / "hehua" / "added").glob("*.yml"))

    (root / "hehua" / "added" / "brands.yml").unlink()  # a deleted file
    shutil.rmtree(root / "chengnan" / "liuyin")  # a deleted community
    both()
    assert cache.parsed == []
    assert not any(rel.startswith("communities/chengnan/liuyin/") for rel, _model in cache.entries)

    edit(project, f"{XINYUAN}/profile.yml", "name: ", "name: [")  # broken YAML: its errors every time
    both()
    both()
    assert cache.parsed == []


def test_changed_files_belong_to_their_community_or_to_the_whole_site() -> None:
    assert scope_of([]) == frozenset()
    assert scope_of(["communities/a/b/profile.yml", "communities/a/b/images/x.png",
                     "communities/c/d/pledges.yml"]) == frozenset({"a/b", "c/d"})
    for rel in ("communities/district.yml", "communities/a/town.yml", "communities/results/2026-H1.yml",
                "content/about.md", "site_config.yml", "communities/a/stray.yml"):
        assert scope_of(["communities/a/b/profile.yml", rel]) is None, rel


def test_a_commit_that_changes_a_records_history_re_renders_its_community(
        tmp_path: Path, spied: dict[str, list[Any]]) -> None:
    project = copy_project(FULL_MARKS, tmp_path / "project")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "first", day="2026-01-25")
    edit(project, PLEDGES, "    due: 2025-12-31\n    milestones:\n      - {date: 2025-06-30, title: 完成选址",
         "    due: 2026-03-31\n    milestones:\n      - {date: 2025-06-30, title: 完成选址")
    live = pipeline.Live(project, AS_OF)
    same_as_fresh(live, project)  # uncommitted: the edit is not in the history yet

    git(project, "commit", "-q", "-am", "due date moved", day="2026-02-10")  # no file changes, a new history
    again = same_as_fresh(live, project)

    assert spied["rerender"][-1] == frozenset({ALPHA.removeprefix("communities/")})
    assert again.output is not None and "2025-12-31 → 2026-03-31" in again.output.pages[urls.source(urls.HISTORY)]


def test_an_edit_that_moves_other_communities_ranks_re_renders_their_pages(tmp_path: Path) -> None:
    """A community's board and score pages show its rank in the district: lowering one community's marks
    moves another community (in another town) up, and the preview shows that community's new rank too."""
    from support import synthetic_project

    project = synthetic_project(tmp_path / "project", 8, 3)
    live = pipeline.Live(project, AS_OF)
    first = same_as_fresh(live, project)
    board = "towns/town-002/c-00007/index.md"  # 2025-H2: 95 points, second in the district
    assert first.output is not None and "全区第2名" in first.output.pages[board]

    _mark(project, "communities/town-000/c-00002/assessments.yml", "2025-H2", "-3")  # first, 96 -> 93
    again = same_as_fresh(live, project)
    assert again.output is not None and "全区第1名" in again.output.pages[board]


def test_a_brand_image_is_decoded_again_only_after_its_file_changed(
        project_copy, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from generator.records import validate

    project: Path = project_copy("boards_district")
    decoded: list[str] = []
    real = validate.check_decodes
    monkeypatch.setattr(validate, "check_decodes", lambda file: (decoded.append(file.name), real(file))[1])
    live = pipeline.Live(project, AS_OF)
    assert not live.run().log.errors
    assert "lotus.jpg" in decoded
    decoded.clear()

    edit(project, f"{XINYUAN}/profile.yml", "name: ", "name: 改")
    assert not live.run().log.errors
    assert decoded == []  # no image changed

    image = project / XINYUAN / "images/lotus.jpg"
    image.write_bytes(image.read_bytes()[:200])  # a truncated photo: the header reads, the pixels do not
    again = live.run()
    assert decoded == ["lotus.jpg"]
    assert [str(e) for e in again.log.errors] == [str(e) for e in pipeline.run(project, AS_OF).log.errors]
    assert [str(e) for e in again.log.errors] == [
        "communities/hehua/xinyuan/brands.yml:9: 品牌[0].图片[0].文件(file): 无法读取图片：Truncated File Read"]


def test_a_run_after_an_edit_reads_only_the_edited_record_file(
        project_copy, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """The watcher's snapshot already knows every file's bytes: the loader reads the changed one only (each
    read of a watched file is also an event the preview's file watcher has to look at)."""
    project: Path = project_copy("boards_district")
    live = pipeline.Live(project, AS_OF)
    live.run()
    read: list[str] = []
    real = Path.read_bytes

    def spied(path: Path) -> bytes:
        if path.suffix == ".yml" and "communities" in path.parts:
            read.append(path.relative_to(project).as_posix())
        return real(path)

    edit(project, f"{XINYUAN}/profile.yml", "name: ", "name: 改")
    monkeypatch.setattr(Path, "read_bytes", spied)
    again = live.run()
    monkeypatch.undo()
    assert not again.log.errors
    assert sorted(set(read)) == [f"{XINYUAN}/profile.yml"]
    same_as_fresh(live, project)
