"""`dangjian serve` rebuilds only what an edit changed, and serves what a fresh preview would.

The builds run in-process exactly as the server runs them (``preview_util.Previewer``: the same hooks,
MkDocs's dirty build); each result is compared byte for byte with a preview started afresh on the same
files.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from preview_util import Previewer, fresh_site, site_files
from trust_util import build

from generator.engine import mkdocs_adapter

XINYUAN = "communities/hehua/xinyuan/profile.yml"
XINYUAN_PAGE = "towns/hehua/xinyuan/index.md"
QINGCHUAN_PAGE = "towns/chengnan/qingchuan/index.md"


def rename(project: Path, rel: str, name: str) -> None:
    file = project / rel
    text, n = re.subn(r"^name: .*$", f"name: {name}", file.read_text(encoding="utf-8"), count=1, flags=re.M)
    assert n == 1
    file.write_text(text, encoding="utf-8")


def index_locations(site: Path) -> list[str]:
    data = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    return [doc["location"] for doc in data["docs"]]


def test_an_edit_to_one_community_rebuilds_its_pages_and_serves_what_a_fresh_preview_serves(
        project_copy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project: Path = project_copy("boards_district")
    preview = Previewer(project, tmp_path / "serve")
    assert preview.reload().full
    other = preview.site / "towns" / "chengnan" / "qingchuan" / "index.html"
    before = other.stat().st_mtime_ns

    rename(project, XINYUAN, "改名社区")
    plan = preview.reload()

    assert not plan.full
    assert XINYUAN_PAGE in plan.changed and "towns/hehua/index.md" in plan.changed  # its page, the town's list
    assert QINGCHUAN_PAGE not in plan.changed  # another community's page is not rebuilt ...
    assert other.stat().st_mtime_ns == before  # ... nor written
    served = site_files(preview.site)
    assert "改名社区" in served["towns/hehua/xinyuan/index.html"].decode("utf-8")
    assert served == fresh_site(project, tmp_path / "fresh")


def test_the_search_index_after_an_incremental_rebuild_still_lists_every_page(
        project_copy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project: Path = project_copy("boards_district")
    preview = Previewer(project, tmp_path / "serve")
    preview.reload()
    everything = index_locations(preview.site)

    rename(project, XINYUAN, "改名社区")
    plan = preview.reload()

    locations = index_locations(preview.site)
    assert "towns/chengnan/qingchuan/" in locations and QINGCHUAN_PAGE not in plan.changed  # kept, not rebuilt
    assert sorted(locations) == sorted(everything)  # the same pages and sections as before the edit
    text = (preview.site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "改名" in text  # the new name is indexed (segmented into words)
    fresh = fresh_site(project, tmp_path / "fresh")
    assert json.loads(fresh["search/search_index.json"]) == json.loads(text)


def test_broken_records_show_the_problems_everywhere_and_the_site_comes_back_when_fixed(
        project_copy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project: Path = project_copy("boards_district")
    preview = Previewer(project, tmp_path / "serve")
    preview.reload()
    assert preview.preview.output is not None
    pages = len(preview.preview.output.pages)
    profile = project / XINYUAN
    good = profile.read_text(encoding="utf-8")
    profile.write_text(re.sub(r"^org_type: .*$", "org_type: 错误", good, count=1, flags=re.M), encoding="utf-8")

    assert preview.reload().full
    served = {path: data for path, data in site_files(preview.site).items()
              if path.endswith("index.html") and path != "search/index.html"}
    assert len(served) == pages and "towns/chengnan/qingchuan/index.html" in served  # every page of the site ...
    assert all("记录有误，网站暂未更新" in data.decode("utf-8") for data in served.values())  # ... shows them

    profile.write_text(good, encoding="utf-8")
    assert preview.reload().full
    assert site_files(preview.site) == fresh_site(project, tmp_path / "fresh")


def test_deleting_a_community_removes_its_pages(project_copy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project: Path = project_copy("boards_district")
    preview = Previewer(project, tmp_path / "serve")
    preview.reload()
    assert (preview.site / "towns" / "chengnan" / "liuyin" / "index.html").is_file()

    shutil.rmtree(project / "communities" / "chengnan" / "liuyin")
    brands = project / "communities" / "chengnan" / "qingchuan" / "brands.yml"  # the one record naming it
    brands.write_text(brands.read_text(encoding="utf-8").replace(", adopted_by: [chengnan/liuyin]", ""),
                      encoding="utf-8")
    plan = preview.reload()

    assert not plan.full and "towns/chengnan/liuyin/index.md" in plan.removed
    assert not (preview.site / "towns" / "chengnan" / "liuyin").exists()
    assert not any(loc.startswith("towns/chengnan/liuyin/") for loc in index_locations(preview.site))
    assert site_files(preview.site) == fresh_site(project, tmp_path / "fresh")


def test_an_edit_to_content_rebuilds_the_changed_page_and_matches_a_fresh_preview(
        project_copy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project: Path = project_copy("boards_district")
    preview = Previewer(project, tmp_path / "serve")
    preview.reload()
    about = project / "content" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\n新增一段说明。\n", encoding="utf-8")

    plan = preview.reload()

    assert "about.md" in plan.changed
    assert "新增一段说明" in (preview.site / "about" / "index.html").read_text(encoding="utf-8")
    assert site_files(preview.site) == fresh_site(project, tmp_path / "fresh")


def test_the_preview_search_index_is_the_one_a_build_writes(
        project_copy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project: Path = project_copy("boards_district")
    preview = Previewer(project, tmp_path / "serve")
    preview.reload()
    rename(project, XINYUAN, "改名社区")
    preview.reload()
    built = build(project, tmp_path / "built")
    assert built.exit_code == 0, built.output
    index = "search/search_index.json"
    assert (preview.site / index).read_bytes() == (tmp_path / "built" / index).read_bytes()


def test_a_build_that_failed_half_way_is_followed_by_a_full_one(
        project_copy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    project: Path = project_copy("boards_district")
    preview = Previewer(project, tmp_path / "serve")
    preview.reload()
    rename(project, XINYUAN, "改名社区")
    real = mkdocs_adapter.valid_html

    def broken(html: str) -> str:
        raise OSError("disk full")

    monkeypatch.setattr(mkdocs_adapter, "valid_html", broken)
    with pytest.raises(OSError):
        preview.reload()
    monkeypatch.setattr(mkdocs_adapter, "valid_html", real)

    assert preview.reload().full  # the pages the failed build did not write are written now
    assert site_files(preview.site) == fresh_site(project, tmp_path / "fresh")
