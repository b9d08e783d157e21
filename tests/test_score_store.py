"""Scored communities kept between builds: a warm build scores only what changed, and publishes the same scores."""

from __future__ import annotations

import dataclasses
import datetime as dt
import pickle
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from scoring_util import REFINE, append, clone_community, replace
from support import AS_OF, AS_OF_ARG, FULL_MARKS, cli, copy_project

from generator.cache import read_entry, write_entry
from generator.errors import ErrorLog
from generator.pipeline import prepare
from generator.scoring import result_codec, score, score_store
from generator.scoring.rubric import RubricRefinement
from generator.scoring.score import Scored, score_district

ALL = ["beicheng/delta", "beicheng/gamma", "nancheng/alpha", "nancheng/beta"]
IGNORED_MARK = "      - {item: 3, score: 1, comment: 培训不足}\n"
MARKS = "      - {item: 23, score: 3, comment: 领导管理有创新}\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Four communities in two towns, one town with a refinement (the score pages compare it by identity)."""
    project = copy_project(FULL_MARKS, tmp_path / "project", {"site_config.yml": append(REFINE)})
    clone_community(project, "nancheng", "beta", "贝塔社区", {
        "members.yml": replace("participating: 31", "participating: 30"),
    })
    clone_community(project, "beicheng", "gamma", "伽马社区")
    clone_community(project, "beicheng", "delta", "德尔塔社区")
    return project


@pytest.fixture
def scored(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The communities the builds score (one entry per scored period)."""
    calls: list[str] = []
    real = score.score_period

    def score_period(c: Any, *args: Any) -> Any:
        calls.append(c.key)
        return real(c, *args)

    monkeypatch.setattr(score, "score_period", score_period)
    return calls


def build(project: Path, out: str, as_of: str = AS_OF_ARG) -> bytes:
    result = cli("build", "-p", str(project), "--as-of", as_of, "-o", str(project.parent / out))
    assert result.exit_code == 0, result.output
    return (project.parent / out / "data" / "scores.json").read_bytes()


def uncached(project: Path, monkeypatch: pytest.MonkeyPatch, as_of: str = AS_OF_ARG) -> bytes:
    with monkeypatch.context() as m:
        m.setenv("DANGJIAN_NO_CACHE", "1")
        return build(project, "uncached", as_of)


def test_a_second_build_scores_no_community_again_and_publishes_the_same_scores(
        project: Path, scored: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    first = build(project, "site")
    assert sorted(set(scored)) == ALL
    scored.clear()
    assert build(project, "site") == first
    assert scored == []
    assert uncached(project, monkeypatch) == first


def test_an_edit_to_one_community_scores_that_community_only(
        project: Path, scored: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    build(project, "site")
    members = project / "communities" / "nancheng" / "beta" / "members.yml"
    members.write_text(members.read_text(encoding="utf-8").replace("participating: 30", "participating: 29"),
                       encoding="utf-8")
    scored.clear()
    warm = build(project, "site")
    assert set(scored) == {"nancheng/beta"}
    assert uncached(project, monkeypatch) == warm


@pytest.mark.parametrize("change", ["as_of", "config", "town"])
def test_what_every_community_is_scored_from_scores_every_community_again(
        project: Path, scored: list[str], monkeypatch: pytest.MonkeyPatch, change: str) -> None:
    build(project, "site")
    as_of = AS_OF_ARG
    if change == "as_of":
        as_of = (AS_OF + dt.timedelta(days=1)).isoformat()
    elif change == "config":
        config = project / "site_config.yml"
        config.write_text(config.read_text(encoding="utf-8").replace("参与率达标即得2分", "参与率达标即得两分"),
                          encoding="utf-8")
    else:
        town = project / "communities" / "beicheng" / "town.yml"
        town.write_text(town.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    scored.clear()
    warm = build(project, "site", as_of)
    assert sorted(set(scored)) == ALL
    assert uncached(project, monkeypatch, as_of) == warm


def test_a_community_whose_scoring_warned_is_scored_every_time(
        project: Path, scored: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    assessments = project / "communities" / "nancheng" / "alpha" / "assessments.yml"
    assessments.write_text(assessments.read_text(encoding="utf-8").replace(MARKS, MARKS + IGNORED_MARK),
                           encoding="utf-8")
    build(project, "site")
    entries = {p: p.stat().st_ino for p in (project / ".cache" / "scores").rglob("*") if p.is_file()}
    scored.clear()
    result = cli("build", "-p", str(project), "--as-of", AS_OF_ARG, "-o", str(project.parent / "site"))
    assert result.exit_code == 0
    assert set(scored) == {"nancheng/alpha"}
    assert "第 3 项是计算项，此评分不予采用" in result.output  # worded again by the warm build
    assert {p: p.stat().st_ino for p in entries} == entries  # and its town's entry is not written again


def test_a_kept_result_that_is_not_read_back_is_scored_and_kept_again(project: Path, scored: list[str]) -> None:
    first = build(project, "site")
    folder, name = project / ".cache", score_store._entry("nancheng")
    blobs = read_entry(folder, score_store.KIND, name)
    assert blobs is not None and len(blobs) == 3
    write_entry(folder, score_store.KIND, name, [blobs[0], *[pickle.dumps([dt.datetime(2026, 1, 1)])] * 2])
    scored.clear()
    assert build(project, "site") == first
    assert sorted(set(scored)) == ["nancheng/alpha", "nancheng/beta"]
    scored.clear()
    assert build(project, "site") == first
    assert scored == []  # the town's entry was written again


def test_a_damaged_entry_is_scored_again(project: Path, scored: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    first = build(project, "site")
    entries = [p for p in (project / ".cache" / "scores").rglob("*") if p.is_file()]
    assert len(entries) == 2  # one per town
    for entry in entries:
        entry.write_bytes(entry.read_bytes()[:-40] + b"x" * 40)
    scored.clear()
    assert build(project, "site") == first
    assert sorted(set(scored)) == ALL


def _same(a: object, b: object, where: str = "") -> None:
    """``a`` and ``b`` equal value for value and of the same types all the way down (Points is not Fraction)."""
    assert type(a) is type(b), f"{where}: {type(a).__name__} != {type(b).__name__}"
    if isinstance(a, RubricRefinement):
        assert a is b, where
    elif dataclasses.is_dataclass(a):
        for f in dataclasses.fields(a):
            _same(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    elif isinstance(a, list | tuple):
        assert len(a) == len(b), where  # type: ignore[arg-type]
        for n, (x, y) in enumerate(zip(a, b, strict=True)):  # type: ignore[call-overload]
            _same(x, y, f"{where}[{n}]")
    else:
        assert a == b, where


def test_scored_periods_come_back_of_the_same_types_with_the_build_s_refinement(project: Path) -> None:
    prepared = prepare(project, AS_OF)
    assert prepared.context is not None and prepared.context.scores is not None
    context = prepared.context
    refinements = context.scores.refinements
    known: dict[str, Scored] = {}
    score_district(context.district, context.config, refinements, AS_OF, known)
    by_item = {(r.town, r.item): r for r in refinements}
    kinds: set[type] = set()
    for community, (results, _) in known.items():
        back = result_codec.decode(result_codec.encode(results), by_item)
        _same(results, back, community)
        for r in results:
            kinds |= {type(i.score) for i in r.items} | {type(i.refinement) for i in r.items}
            kinds |= {type(f.value) for i in r.items for f in i.facts}
    # The fixture reaches what the codec must keep apart: exact points, fractions, booleans, a refinement.
    assert {score.Points, Fraction, bool, RubricRefinement} <= kinds


def test_a_result_holding_a_value_of_another_class_is_not_read_back(project: Path) -> None:
    prepared = prepare(project, AS_OF)
    assert prepared.context is not None and prepared.context.scores is not None
    result = prepared.context.scores.results[0]
    item = dataclasses.replace(result.items[0], note=ErrorLog())  # type: ignore[arg-type]
    blob = result_codec.encode([dataclasses.replace(result, items=[item])])
    with pytest.raises(ValueError, match=r"generator\.errors\.ErrorLog is not a scored value"):
        result_codec.decode(blob, {})


def test_a_third_of_a_point_comes_back_exact(project: Path) -> None:
    prepared = prepare(project, AS_OF)
    assert prepared.context is not None and prepared.context.scores is not None
    result = prepared.context.scores.results[0]
    third = dataclasses.replace(result, total=score.Points(1, 3), items=[])  # it prints rounded: "0.33"
    back = result_codec.decode(result_codec.encode([third]), {})
    _same(back, [third])


def test_bytes_that_name_another_class_are_not_loaded() -> None:
    blob = pickle.dumps([dt.datetime(2026, 1, 1)])  # a class outside the allow-list (as os.system would be)
    with pytest.raises(ValueError, match=r"datetime\.datetime is not a scored value"):
        result_codec.decode(blob, {})


def test_nothing_is_kept_when_a_file_changed_during_scoring(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    members = project / "communities" / "nancheng" / "beta" / "members.yml"
    real = score.score_period

    def edit_midway(c: Any, *args: Any) -> Any:
        members.write_text(members.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        return real(c, *args)

    monkeypatch.setattr(score, "score_period", edit_midway)
    build(project, "site")
    assert not (project / ".cache" / score_store.KIND).exists()
