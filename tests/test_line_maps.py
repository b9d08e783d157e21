"""A build lets the records' line maps go once they are scored (most of a loaded record's memory), and a line
asked for after that is read again from the file's kept bytes: the same line as before."""

from __future__ import annotations

import pytest
from support import AS_OF, REPO

from generator.pipeline import run
from generator.records.load import load_district, release_line_maps
from generator.records.model import District
from generator.records.schema import locate
from generator.records.yamlio import YamlDoc


def _docs(district: District) -> list[YamlDoc]:
    return [*district.sources.docs.values(), *(d for t in district.towns for d in t.sources.docs.values()),
            *(d for c in district.communities() for d in c.sources.docs.values())]


def _places(district: District) -> list[tuple[str, int, str]]:
    """Where each pledge's due date and each activity's date were written, as an error would say."""
    return [*(locate(p, c.rel_dir, "due") for c in district.communities() for p in c.pledges.pledges),
            *(locate(a, c.rel_dir, "date") for c in district.communities() for a in c.activities.activities)]


def test_a_released_line_map_gives_the_same_lines_again(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DANGJIAN_NO_CACHE", "1")  # freshly read maps (a kept record's document has none: record_store)
    district, log = load_district(REPO / "communities", REPO)
    assert district is not None and not log.errors
    docs = _docs(district)
    maps = [dict(doc.lines) for doc in docs]
    places = _places(district)
    assert len(places) > 20 and all(line > 1 for _, line, _ in places)

    assert release_line_maps(district) == len(docs)
    assert all(doc.released and doc.lines == {} for doc in docs)
    assert _places(district) == places  # read again from the kept bytes
    for doc, lines in zip(docs, maps, strict=True):
        doc.line(())
        assert doc.lines == lines and not doc.released


def test_a_build_renders_every_page_without_asking_for_a_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """After scoring, nothing a build of good records does reads a line number: the maps stay released
    (one that was read again would hold its map, and the memory saved would be spent again)."""
    monkeypatch.setenv("DANGJIAN_NO_CACHE", "1")
    monkeypatch.setenv("DANGJIAN_WORKERS", "1")
    result = run(REPO, AS_OF)
    assert result.context is not None and result.output is not None and not result.log.errors
    docs = _docs(result.context.district)
    assert len(docs) > 50 and result.output.page_count > 100
    assert [doc.path for doc in docs if not doc.released] == []
