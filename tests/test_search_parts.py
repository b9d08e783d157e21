"""A city-sized site's search index comes in parts: the whole-site file finds every community and brand by
name, and a town's part holds the full text of that town's communities' pages, which the theme adds to the shared
file's entries on the town's pages (generator/engine/search_parts.py)."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from markupsafe import Markup
from support import AS_OF_ARG, REPO, cli

from generator.engine import search_parts
from generator.engine.mkdocs_search import take_over_index
from generator.engine.search_parts import INDEX, PART, Owner, search_part, split

CONFIG = {"lang": ["zh"], "separator": "x", "pipeline": [], "fields": {}}
OWNERS = [Owner("east", "towns/east/pine/", ("brands/garden/",)), Owner("west", "towns/west/oak/", ())]


def _doc(location: str, title: str = "T", text: str = "body") -> dict[str, str]:
    return {"location": location, "title": title, "text": text}


def test_a_town_part_holds_its_communities_and_the_shared_pages() -> None:
    docs = [_doc("about/"), _doc("towns/east/"), _doc("towns/east/pine/", "松社区"), _doc("towns/east/pine/#pledges"),
            _doc("towns/east/pine/pledges/"), _doc("brands/garden/", "花园"), _doc("brands/garden/#story"),
            _doc("towns/west/oak/", "橡社区"), _doc("brands/other/"), _doc("towns/east/reports/2026-H1/")]
    files = split({"config": CONFIG, "docs": docs}, OWNERS, ["east", "west"])
    assert sorted(files) == sorted([INDEX, PART.format(town="east"), PART.format(town="west")])
    shared = files[INDEX]["docs"]
    assert files[INDEX]["config"] == CONFIG
    # Not a town's pages: in full.  A town page, a board and a brand page: by title only.
    assert shared == [docs[0], _doc("towns/east/", "T", ""), _doc("towns/east/pine/", "松社区", ""),
                      _doc("brands/garden/", "花园", ""), _doc("towns/west/oak/", "橡社区", ""), docs[8]]
    # A part: the town's own entries only (the theme adds them after the shared file's).
    assert files[PART.format(town="east")]["docs"] == [docs[1], docs[2], docs[3], docs[4], docs[5], docs[6], docs[9]]
    assert files[PART.format(town="west")]["docs"] == [docs[7]]


def test_a_community_whose_id_starts_like_another_is_not_mixed_up() -> None:
    owners = [Owner("east", "towns/east/pine/", ()), Owner("east", "towns/east/pine-2/", ())]
    files = split({"config": CONFIG, "docs": [_doc("towns/east/pine-2/#x")]}, owners, ["east"])
    assert files[INDEX]["docs"] == []
    assert files[PART.format(town="east")]["docs"] == [_doc("towns/east/pine-2/#x")]


@pytest.mark.parametrize(("url", "part"), [
    ("towns/east/", PART.format(town="east")), ("towns/east/pine/pledges/", PART.format(town="east")),
    ("towns/", None), ("", None), ("brands/garden/", None), ("towns/gone/pine/", None)])
def test_which_part_a_page_loads(url: str, part: str | None) -> None:
    assert search_part(url, ["east", "west"]) == part


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The sample built as it ships (one index: a small district) and with the parts turned on."""
    root = tmp_path_factory.mktemp("parts")
    whole, parted = root / "whole", root / "parted"
    for out in (whole, parted):
        with pytest.MonkeyPatch.context() as mp:
            if out is parted:
                mp.setattr(search_parts, "PARTS_FROM", 1)
            result = cli("build", "-p", str(REPO), "--as-of", AS_OF_ARG, "-o", str(out),
                         env={"DANGJIAN_NO_CACHE": "1"})
            assert result.exit_code == 0, result.output
    return whole, parted


def _docs(site: Path, rel: str) -> list[dict[str, str]]:
    return json.loads((site / rel).read_text(encoding="utf-8"))["docs"]


def test_the_sample_keeps_one_index(sites: tuple[Path, Path]) -> None:
    whole, _ = sites
    assert not (whole / "search" / "towns").exists()
    assert "<meta name=\"dj-search-part\"" not in (whole / "index.html").read_text(encoding="utf-8")


def test_the_parts_lose_no_entry_and_pages_name_their_part(sites: tuple[Path, Path]) -> None:
    whole, parted = sites
    everything = _docs(whole, INDEX)
    shared = _docs(parted, INDEX)
    towns = sorted(p.parent.name for p in (REPO / "communities").glob("*/town.yml"))
    parts = {t: _docs(parted, PART.format(town=t)) for t in towns if (parted / PART.format(town=t)).is_file()}
    assert parts and len(shared) < len(everything)
    own = [d for docs in parts.values() for d in docs]
    assert not any(d in shared for d in own)  # a part repeats nothing of the shared file
    full_shared = [d for d in shared if d in everything]
    assert Counter(json.dumps(d, sort_keys=True) for d in full_shared + own) == Counter(
        json.dumps(d, sort_keys=True) for d in everything)  # every entry, once, in the shared file or its town's part
    town = next(iter(parts))
    board = next(p for p in sorted((parted / "towns" / town).glob("*/index.html")))
    assert f'<meta name="dj-search-part" content="{PART.format(town=town)}">' in board.read_text(encoding="utf-8")
    assert "<meta name=\"dj-search-part\"" not in (parted / "index.html").read_text(encoding="utf-8")
    community = board.parent.relative_to(parted).as_posix() + "/"
    assert any(d["location"] == community and d["text"] == "" for d in shared)  # found by name from anywhere


def test_the_parts_written_from_the_index_values_are_those_read_back_from_the_plugin_file(tmp_path: Path) -> None:
    """``mkdocs_search.take_over_index``: the plugin no longer writes its file (``json.dumps(..., default=str)``) for
    the build to read back; the same values give the same bytes, whatever JSON has no form for."""
    docs = [{"location": "towns/east/pine/", "title": Markup("松 &amp; 柏"), "text": "正文", "boost": 2.0},
            {"location": "towns/west/oak/#a", "title": "橡", "text": "x", "tags": ("t1", "t2")},
            {"location": "brands/garden/", "title": "园", "text": "y", "when": dt.date(2026, 1, 2), 3: "数"},
            {"location": "about/", "title": "关于", "text": "\u2028 \ud7ff \"引号\""}]
    data = {"config": CONFIG, "docs": docs}
    plugin_file = tmp_path / "site" / INDEX
    plugin_file.parent.mkdir(parents=True)
    plugin_file.write_text(json.dumps(data, separators=(",", ":"), default=str), encoding="utf-8")
    for owners in (OWNERS, None):
        read_back: dict[str, bytes] = {}
        direct: dict[str, bytes] = {}
        site, towns = tmp_path / "site", ["east", "west"]
        search_parts.write(site, owners, towns, put=lambda b, p, out=read_back: out.update({p: b}))
        search_parts.write(site, owners, towns, put=lambda b, p, out=direct: out.update({p: b}), data=data)
        assert direct == read_back
        assert len(direct) == (3 if owners else 1)


def _mkdocs_config(tmp_path: Path, plugins: str) -> Any:
    from mkdocs.config import load_config

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# 首页\n", encoding="utf-8")
    cfg = tmp_path / "mkdocs.yml"
    cfg.write_text(f"site_name: t\ndocs_dir: docs\ntheme:\n  name: material\n{plugins}", encoding="utf-8")
    config = load_config(config_file=str(cfg))
    return config.plugins.on_config(config)


def test_the_build_takes_the_index_over_from_the_search_plugin(tmp_path: Path) -> None:
    config = _mkdocs_config(tmp_path, "plugins:\n  - search:\n      lang: zh\n")
    search = config.plugins["material/search"]
    assert any(getattr(m, "__self__", None) is search for m in config.plugins.events["post_build"])
    values = take_over_index(config)
    assert values is not None
    assert not any(getattr(m, "__self__", None) is search for m in config.plugins.events["post_build"])
    search.search_index.entries.append({"location": "", "title": "首页", "text": ""})
    assert values() == json.loads(search.search_index.generate_search_index(None))  # what the file would hold
    assert take_over_index(config) is None  # taken once: nothing of the plugin's left to take


def test_a_disabled_search_plugin_is_left_alone(tmp_path: Path) -> None:
    config = _mkdocs_config(tmp_path, "plugins:\n  - search:\n      enabled: false\n")
    assert take_over_index(config) is None
