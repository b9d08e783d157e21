"""A build keeps what each town's record files parsed to (``records/parse_store.py``): a second load reads no
unchanged YAML again and gives the same district and the same errors; an edit parses that file again only."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from support import REPO, TEN_MISTAKES

from generator.records import load as load_module
from generator.records import parse_store
from generator.records.load import load_district
from generator.records.yamlio import read_yaml_bytes


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("DANGJIAN_NO_CACHE", raising=False)
    shutil.copytree(REPO / "communities", tmp_path / "communities")
    return tmp_path


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files the loader reads as YAML (not taken from the store)."""
    seen: list[str] = []

    def counted(raw: bytes, rel: str) -> object:
        seen.append(rel)
        return read_yaml_bytes(raw, rel)

    monkeypatch.setattr(load_module, "read_yaml_bytes", counted)
    return seen


def _outside_towns(project: Path) -> list[str]:
    """Files read on every load: the district's own and the frozen results (not a town's files)."""
    results = sorted((project / "communities" / "results").glob("*.yml"))
    return ["communities/district.yml", *(p.relative_to(project).as_posix() for p in results)]


def _load(project: Path) -> tuple[object, list[str]]:
    district, log = load_district(project / "communities", project)
    return district, [str(e) for e in log]


def test_a_second_load_reads_no_yaml_and_gives_the_same_district(project: Path, parses: list[str]) -> None:
    first = _load(project)
    files = len(parses)
    assert files > 50 and list((project / ".cache" / parse_store.KIND).rglob("*"))
    parses.clear()
    second = _load(project)
    assert parses == _outside_towns(project)
    assert second == first and first[0] is not None
    district = second[0]
    assert all(doc.lines for c in district.communities() for doc in c.sources.docs.values())  # type: ignore[attr-defined]


def test_an_edited_file_alone_is_read_again(project: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    _load(project)
    profile = sorted((project / "communities").glob("*/*/profile.yml"))[0]
    profile.write_text(profile.read_text(encoding="utf-8").replace("name: ", "name: 改", 1), encoding="utf-8")
    parses.clear()
    district, errors = _load(project)
    rel = profile.relative_to(project).as_posix()
    assert parses == [_outside_towns(project)[0], rel, *_outside_towns(project)[1:]]
    monkeypatch.setenv("DANGJIAN_NO_CACHE", "1")
    assert (district, errors) == _load(project)  # what a load without the store gives
    monkeypatch.delenv("DANGJIAN_NO_CACHE")
    parses.clear()
    _load(project)
    assert parses == _outside_towns(project)  # the edit is kept now


def test_a_file_with_errors_is_read_and_reported_every_time(tmp_path: Path, parses: list[str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A file the YAML reader refused (duplicate key, bad date …) is never kept; a file that read but does not
    fit its record model is kept as read, and the model's check reports it again on every load."""
    monkeypatch.delenv("DANGJIAN_NO_CACHE", raising=False)
    shutil.copytree(TEN_MISTAKES, tmp_path / "p", ignore=shutil.ignore_patterns(".cache"))  # other tests fill it
    project = tmp_path / "p"
    first = _load(project)
    unreadable = {rel for rel in parses if read_yaml_bytes((project / rel).read_bytes(), rel)[1]}
    misfits = {rel for rel in parses if any(e.startswith(rel + ":") for e in first[1])} - unreadable
    assert unreadable and misfits  # both kinds are among the fixture's mistakes
    parses.clear()
    assert _load(project) == first  # the same errors, in the same words and order
    assert unreadable <= set(parses) and not misfits & set(parses)


def test_a_damaged_entry_is_read_again(project: Path, parses: list[str]) -> None:
    first = _load(project)
    for entry in (project / ".cache" / parse_store.KIND).rglob("*"):
        if entry.is_file():
            entry.write_bytes(entry.read_bytes()[:-5] + b"xxxxx")
    parses.clear()
    assert _load(project) == first and len(parses) > 50


def test_no_cache_writes_nothing(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DANGJIAN_NO_CACHE", "1")
    _load(project)
    assert not (project / ".cache").exists()


def test_only_data_that_comes_back_equal_is_kept() -> None:
    lines = {(): 1, ("a",): 2, ("a", 0): 3}
    blob = parse_store.encode({"a": [dt.date(2026, 6, 30), 1, 1.5, True, None, "\u5e74"]}, lines)
    assert blob is not None
    assert parse_store.decode(blob) == ({"a": [dt.date(2026, 6, 30), 1, 1.5, True, None, "\u5e74"]}, lines)
    assert type(parse_store.decode(blob)[0]["a"][3]) is bool
    for odd in (dt.datetime(2026, 6, 30, 8, 0), (1, 2), {1, 2}, b"x", float("inf")):
        assert parse_store.encode({"a": odd}, lines) is None, odd
