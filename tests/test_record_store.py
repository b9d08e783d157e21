"""A build keeps what each town's record files loaded to (``records/record_store.py``): a second load reads and
checks no unchanged YAML again and gives the same district, the same lines and the same errors; an edit loads that
file again only."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support import REPO, TEN_MISTAKES

from generator.records import load as load_module
from generator.records import record_store
from generator.records.load import load_district, release_line_maps
from generator.records.schema import ProfileFile
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


def _load(project: Path, release: bool = True) -> tuple[object, list[str]]:
    """The district and its errors; ``release``: its documents without their line maps, as a kept one is (and as
    a build holds every document once done with line numbers), so that districts compare equal."""
    district, log = load_district(project / "communities", project)
    if release and district is not None:
        release_line_maps(district)
    return district, [str(e) for e in log]


def _lines(district: object, project: Path) -> dict[tuple[str, tuple[str | int, ...]], int]:
    """Every path's line in every community document of ``district`` (read again where the map was let go)."""
    out = {}
    for c in district.communities():  # type: ignore[attr-defined]
        for doc in c.sources.docs.values():
            fresh = read_yaml_bytes((project / doc.path).read_bytes(), doc.path)[0]
            for path in fresh.lines:
                out[(doc.path, path)] = doc.line(path)
    return out


def test_a_second_load_reads_no_yaml_and_gives_the_same_district(project: Path, parses: list[str],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing read or checked again; every record is the one a fresh load makes, with its own source; every line
    the first load mapped is the line asked of the kept document."""
    first = _load(project, release=False)
    files = len(parses)
    assert files > 50 and list((project / ".cache" / record_store.KIND).rglob("*"))
    lines = _lines(first[0], project)  # from the maps the first load made
    parses.clear()
    checked: list[str] = []
    monkeypatch.setattr(ProfileFile, "model_validate", lambda data: checked.append("x"))
    second = _load(project, release=False)
    assert parses == _outside_towns(project) and not checked  # nothing read or checked again
    district = second[0]
    assert all(doc.released and not doc.lines for c in district.communities()  # type: ignore[attr-defined]
               for doc in c.sources.docs.values())
    assert release_line_maps(first[0]) > 50 and release_line_maps(district) > 50  # type: ignore[arg-type]
    assert second == first and first[0] is not None
    assert _lines(district, project) == lines and len(lines) > 1000  # a kept document reads its bytes again
    assert all(r.origin is not None and r.origin.doc is c.sources.docs["pledges.yml"]
               for c in district.communities() for r in c.pledges.pledges)  # type: ignore[attr-defined]


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
    """A file the YAML reader refused (duplicate key, bad date …) or that does not fit its record model is never
    kept: it is read on every load, and its errors are the same, in the same words and order."""
    monkeypatch.delenv("DANGJIAN_NO_CACHE", raising=False)
    shutil.copytree(TEN_MISTAKES, tmp_path / "p", ignore=shutil.ignore_patterns(".cache"))  # other tests fill it
    project = tmp_path / "p"
    first = _load(project)
    unreadable = {rel for rel in parses if read_yaml_bytes((project / rel).read_bytes(), rel)[1]}
    misfits = {rel for rel in parses if any(e.startswith(rel + ":") for e in first[1])} - unreadable
    assert unreadable and misfits  # both kinds are among the fixture's mistakes
    parses.clear()
    assert _load(project) == first  # the same errors, in the same words and order
    assert unreadable | misfits <= set(parses) and set(parses) != unreadable | misfits  # the clean ones were kept


def test_a_damaged_entry_is_read_again(project: Path, parses: list[str]) -> None:
    first = _load(project)
    for entry in (project / ".cache" / record_store.KIND).rglob("*"):
        if entry.is_file():
            entry.write_bytes(entry.read_bytes()[:-5] + b"xxxxx")
    parses.clear()
    assert _load(project) == first and len(parses) > 50


def test_no_cache_writes_nothing(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DANGJIAN_NO_CACHE", "1")
    _load(project)
    assert not (project / ".cache").exists()


CALLED: list[str] = []


def _called(what: str) -> str:
    CALLED.append(what)
    return what


class _RunsCode:
    """Pickles as a call of :func:`_called`: what an entry written by someone else could make a reader run."""

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return _called, ("ran",)


def test_the_reader_makes_no_class_but_a_record_s(project: Path) -> None:
    """Unpickling runs what the bytes name: an entry naming any other class is refused (the file is loaded again)."""
    import pickle

    district, _errors = _load(project, release=False)
    c = district.communities()[0]  # type: ignore[attr-defined]
    doc = c.sources.docs["profile.yml"]
    blob = record_store.encode(c.profile, doc)
    assert blob is not None
    record, kept = record_store.decode(blob, doc.path, ProfileFile)
    assert record == c.profile and kept.released and kept.path == doc.path and record.origin.doc is kept
    assert doc.lines and not doc.released  # the live document keeps its map: only the kept one is without
    for odd in (pickle.dumps((c.profile, doc, Path("x"))), pickle.dumps(Path("x")), blob[:-3],
                pickle.dumps((_RunsCode(), doc))):
        with pytest.raises(ValueError):
            record_store.decode(odd, doc.path, ProfileFile)
    assert CALLED == []  # refused before it ran
    with pytest.raises(ValueError):
        record_store.decode(blob, "communities/other/profile.yml", ProfileFile)  # another file's record


def test_a_warm_data_stage_reads_again_only_the_documents_of_the_community_it_scores_again(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Kept documents have no line map; the checks and the publication gate ask a record's file without its
    line, so after one community's edit only that community's documents are read again (for its evidence)."""
    from support import AS_OF

    from generator.pipeline import prepare
    from generator.records.watch import Snapshot
    from generator.records.yamlio import YamlDoc

    shutil.copy(REPO / "site_config.yml", project / "site_config.yml")
    first = prepare(project, AS_OF, sources=Snapshot.take(project))
    assert first.context is not None and not first.log.errors
    profile = project / first.context.district.communities()[1].rel_dir / "profile.yml"  # a published one
    profile.write_text(profile.read_text(encoding="utf-8").replace("name: ", "name: 改", 1), encoding="utf-8")
    read_again: list[str] = []
    unpack = YamlDoc._unpack

    def counted(doc: YamlDoc) -> None:
        read_again.append(doc.path)
        unpack(doc)

    monkeypatch.setattr(YamlDoc, "_unpack", counted)
    second = prepare(project, AS_OF, sources=Snapshot.take(project))
    assert second.context is not None and not second.log.errors
    folder = profile.parent.relative_to(project).as_posix()
    assert read_again and {Path(p).parent.as_posix() for p in read_again} == {folder}


def test_a_kept_file_s_entries_come_with_their_content_hashes(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The manifest names each pledge, activity … by its content hash: a kept entry's hash is the one kept with
    it (not worked out again), and it is the hash the entry's values give."""
    from generator.records import digests

    _load(project)
    district, _errors = _load(project)
    listed = [e for c in district.communities() for name in c.sources.docs  # type: ignore[attr-defined]
              for e in digests.entries(getattr(c, name.removesuffix(".yml")))]
    assert len(listed) > 200
    fresh = {id(e): digests.content_hash(e.model_copy()) for e in listed}  # a copy is hashed from its values
    assert len(set(fresh.values())) > 200
    monkeypatch.setattr(digests.json, "dumps", lambda *a, **k: pytest.fail("a kept entry's hash worked out again"))
    assert {id(e): digests.content_hash(e) for e in listed} == fresh
