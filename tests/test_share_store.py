"""Towns' rendered pages kept between builds (``pages/share_store.py``).

A build renders again only the towns whose pages read something that changed, and its site is byte for byte
the site of a build without the cache after every kind of edit: one community's records, a result that moves
other towns' ranks, a district file, a damaged entry.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from support import AS_OF_ARG, REPO, cli
from trust_util import tree

import generator.pages.registry as registry
from generator.errors import ErrorLog
from generator.messages import msg
from generator.pages.output import Output, Scope
from generator.pages.parallel import Mark, Part, combine, merge
from generator.pages.share_store import DOUBT, KIND, ShareStore

# A 2026-H1 acceptance for 兰亭 (望川): 2026-H1 had one ranked community (松石's 映月), now two.
LANTING_2026_H1 = """  - date: 2026-07-22
    period: 2026-H1
    team: 望川街道党工委考评组
    marks:
      - item: 5
        score: 4
        comment: 承诺按期兑现
      - item: 9
        score: 4
        comment: 服务岗位运行良好
      - item: 11
        score: 4
        comment: 品牌经验已总结推广
      - item: 23
        score: 3
        comment: 共建单位参与积极
"""


class Builds:
    """The sample project copied once, built with the cache, and each build's rendered towns."""

    def __init__(self, root: Path) -> None:
        self.root, self.project, self.n = root, root / "project", 0
        self.project.mkdir()
        for part in ("communities", "content", "theme"):
            shutil.copytree(REPO / part, self.project / part, ignore=shutil.ignore_patterns(".cache"))
        (self.project / "site_config.yml").write_bytes((REPO / "site_config.yml").read_bytes())

    def build(self, monkeypatch: pytest.MonkeyPatch, cache: bool = True) -> tuple[Path, set[str]]:
        """Build; the site and the towns whose pages were rendered (not taken from the store)."""
        towns: set[str] = set()
        real = registry.render_part

        def spy(context: Any, scope: Scope) -> Part:
            if not scope.site_wide and scope.communities is not None:
                towns.update(key.split("/")[0] for key in scope.communities)
            return real(context, scope)

        self.n += 1
        out = self.root / f"site-{self.n}"
        with monkeypatch.context() as mp:
            mp.setattr(registry, "render_part", spy)
            mp.setenv("DANGJIAN_WORKERS", "1")
            if not cache:
                mp.setenv("DANGJIAN_NO_CACHE", "1")
            result = cli("build", "-p", str(self.project), "--as-of", AS_OF_ARG, "-o", str(out))
        assert result.exit_code == 0, result.output
        return out, towns

    def same_as_without_cache(self, monkeypatch: pytest.MonkeyPatch, site: Path) -> None:
        plain, _ = self.build(monkeypatch, cache=False)
        expected, got = tree(plain), tree(site)
        assert sorted(got) == sorted(expected)
        assert [p for p in expected if expected[p] != got[p]] == []


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    return Builds(tmp_path_factory.mktemp("shares"))


ALL = {"chunhui", "songshi", "wangchuan"}


def test_a_cold_build_renders_every_town_and_a_warm_one_none(builds: Builds, monkeypatch: pytest.MonkeyPatch) -> None:
    _, cold = builds.build(monkeypatch)
    assert cold == ALL
    entries = list((builds.project / ".cache" / KIND).rglob("*"))
    assert len([e for e in entries if e.is_file()]) == 3
    site, warm = builds.build(monkeypatch)
    assert warm == set()
    builds.same_as_without_cache(monkeypatch, site)


def test_an_edit_renders_its_town_and_the_towns_whose_ranks_moved(builds: Builds,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    builds.build(monkeypatch)
    records = builds.project / "communities" / "wangchuan" / "lanting" / "assessments.yml"
    records.write_text(records.read_text(encoding="utf-8") + LANTING_2026_H1, encoding="utf-8")
    site, towns = builds.build(monkeypatch)
    # 望川 for its own records, 松石 because 映月's 2026-H1 rank is now one of two; 春晖 is taken as it was.
    assert towns == {"wangchuan", "songshi"}
    builds.same_as_without_cache(monkeypatch, site)
    profile = builds.project / "communities" / "chunhui" / "qingchuan" / "profile.yml"
    text = profile.read_text(encoding="utf-8")
    profile.write_text(text.replace("name: 晴川社区", "name: 晴川新区社区"), encoding="utf-8")
    site, towns = builds.build(monkeypatch)
    assert towns == {"chunhui"}  # the name is on the town's pages and the site-wide ones alone
    builds.same_as_without_cache(monkeypatch, site)


def test_a_district_file_renders_every_town(builds: Builds, monkeypatch: pytest.MonkeyPatch) -> None:
    builds.build(monkeypatch)
    town = builds.project / "communities" / "songshi" / "town.yml"
    town.write_text(town.read_text(encoding="utf-8") + "\n# 一行注释\n", encoding="utf-8")
    _, towns = builds.build(monkeypatch)
    assert towns == ALL  # even a comment: the rule is by file, as the preview's


def test_a_damaged_entry_is_rendered_again(builds: Builds, monkeypatch: pytest.MonkeyPatch) -> None:
    builds.build(monkeypatch)
    entries = sorted(e for e in (builds.project / ".cache" / KIND).rglob("*") if e.is_file())
    assert entries
    for entry in entries:
        data = bytearray(entry.read_bytes())
        data[len(data) // 2] ^= 0xFF
        entry.write_bytes(bytes(data))
    site, towns = builds.build(monkeypatch)
    assert towns == ALL
    builds.same_as_without_cache(monkeypatch, site)


def _part(pages: dict[str, str], files: dict[str, bytes], log: ErrorLog | None = None) -> Part:
    out = Output(pages=dict(pages), files=dict(files), log=log if log is not None else ErrorLog(),
                 scope=Scope(frozenset({"t/c"}), False))
    return Part(out, [Mark(len(pages), len(files), len(out.log.errors), len(out.log.warnings))])


def test_a_share_with_a_warning_is_not_kept(tmp_path: Path) -> None:
    store = ShareStore(tmp_path, {"t": "k" * 64})
    log = ErrorLog()
    log.warn("communities/t/c/profile.yml", 3, "name", msg("load.file_missing"))
    part = _part({"t/c/index.md": "# 页"}, {}, log)
    assert store.store("t", part) is part
    assert not (tmp_path / KIND).exists()


def test_a_stored_share_reads_back_as_rendered_and_combines_with_one_in_memory(tmp_path: Path) -> None:
    store = ShareStore(tmp_path, {"a": "a" * 64})
    kept = store.store("a", _part({"a/c/index.md": "# 甲\r\n", "a/c/x.md": "乙"}, {"a/c/q.png": b"\x89PNG"}))
    assert kept.output.pages == {} and set(kept.output.spooled) == {"a/c/index.md", "a/c/x.md"}
    assert kept.output.spooled["a/c/index.md"].read().decode("utf-8") == "# 甲\r\n"
    fresh = _part({"b/c/index.md": "# 丙"}, {"b/c/q.png": b"GIF"})
    both = combine([kept, fresh])
    assert list(both.output.pages) == ["a/c/index.md", "a/c/x.md", "b/c/index.md"]
    assert both.output.files == {"a/c/q.png": b"\x89PNG", "b/c/q.png": b"GIF"}
    assert both.marks == [Mark(3, 2)]
    assert list(merge([both]).pages) == list(both.output.pages)


def test_prune_removes_what_no_build_used_for_a_week(tmp_path: Path) -> None:
    old, used = tmp_path / KIND / "aa" / ("a" * 64), tmp_path / KIND / "bb" / ("b" * 64)
    for entry in (old, used):
        entry.parent.mkdir(parents=True)
        entry.write_bytes(b"x")
    week_ago = time.time() - 8 * 86400
    os.utime(old, (week_ago, week_ago))
    ShareStore(tmp_path, {}).prune()
    assert not old.exists() and used.exists()


def test_a_pooled_build_renders_only_the_changed_town_on_its_workers(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """On forked workers too: the stored towns pass through them, the edited one is rendered (logged to a
    file, since the workers' calls happen in other processes)."""
    from support import synthetic_project

    from generator.pages import parallel

    project = synthetic_project(tmp_path / "project", 8, 3)  # three towns: 3, 3 and 2 communities
    log = tmp_path / "rendered.txt"
    real = registry.render_part

    def spy(context: Any, scope: Scope) -> Part:
        if not scope.site_wide and scope.communities is not None:
            with log.open("a", encoding="utf-8") as out:
                out.write(" ".join(sorted({k.split("/")[0] for k in scope.communities})) + "\n")
        return real(context, scope)

    monkeypatch.setattr(registry, "render_part", spy)
    monkeypatch.setattr(parallel.threading, "active_count", lambda: 1)  # the session's idle server threads

    def build(name: str, **env: str) -> tuple[dict[str, bytes], list[str]]:
        log.write_text("", encoding="utf-8")
        with monkeypatch.context() as mp:
            mp.setenv(parallel.WORKERS_ENV, env.get("workers", "2"))
            if "off" in env:
                mp.setenv("DANGJIAN_NO_CACHE", "1")
            result = cli("build", "-p", str(project), "--as-of", AS_OF_ARG, "-o", str(tmp_path / name))
        assert result.exit_code == 0, result.output
        return tree(tmp_path / name), sorted(log.read_text(encoding="utf-8").split())

    towns = sorted(p.name for p in (project / "communities").iterdir() if (p / "town.yml").is_file())
    assert len(towns) == 3
    _, cold = build("cold")
    assert cold == towns
    first = sorted(p for p in (project / "communities" / towns[1]).iterdir() if p.is_dir())[0]
    profile = first / "profile.yml"
    profile.write_text(profile.read_text(encoding="utf-8").replace("name: ", "name: 新", 1), encoding="utf-8")
    warm, rendered = build("warm")
    assert rendered == [towns[1]]
    plain, _ = build("plain", workers="1", off="1")
    assert sorted(warm) == sorted(plain)
    assert [p for p in plain if plain[p] != warm[p]] == []


def test_a_file_edited_during_the_build_leaves_its_shares_doubtful(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A record saved while the build runs: the towns stored by that build may hold pages of bytes other than
    their keys name, so the next build renders them again (and then trusts them again)."""
    builds = Builds(tmp_path)
    profile = builds.project / "communities" / "songshi" / "moxi" / "profile.yml"
    text = profile.read_text(encoding="utf-8")
    real = registry.render_part

    def edit_midway(context: Any, scope: Scope) -> Part:
        if scope.site_wide:  # after the records were read, before the towns are rendered
            profile.write_text(text.replace("\nname: ", "\nname: 改", 1), encoding="utf-8")
        return real(context, scope)

    with monkeypatch.context() as mp:
        mp.setattr(registry, "render_part", edit_midway)
        builds.build(monkeypatch)
    doubtful = list((builds.project / ".cache" / KIND / DOUBT).iterdir())
    assert len(doubtful) == 3  # every town this build rendered
    profile.write_text(text, encoding="utf-8")  # back to the bytes that build read and keyed
    _, towns = builds.build(monkeypatch)
    assert towns == ALL
    assert list((builds.project / ".cache" / KIND / DOUBT).iterdir()) == []
    _, towns = builds.build(monkeypatch)
    assert towns == set()
