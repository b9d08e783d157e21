"""项目推广: briefings, media, site visits and adoption elsewhere, on the brand page and one district page."""

from __future__ import annotations

from pathlib import Path

from boards_util import district_output
from support import AS_OF, BOARDS_DISTRICT, copy_project

from generator import urls
from generator.pipeline import prepare

BRANDS = "communities/chengnan/qingchuan/brands.yml"


def test_the_promotion_page_lists_model_brands_and_every_record_newest_first() -> None:
    _, output = district_output()
    page = output.pages[urls.source(urls.PROMOTION)]
    kinds = [line.split('dj-tag">')[1].split("<")[0] for line in page.splitlines() if 'dj-tag">' in line]
    assert kinds == ["经验推广", "现场观摩", "媒体", "简报"]
    assert '借鉴社区：<a href="../towns/chengnan/liuyin/">柳荫社区</a>' in page
    assert "<div><dt>现场观摩</dt><dd>1</dd></div>" in page


def test_the_brand_page_shows_the_adopting_community() -> None:
    _, output = district_output()
    page = output.pages[urls.source(urls.brand("elder-canteen"))]
    assert '借鉴社区：<a href="../../towns/chengnan/liuyin/">柳荫社区</a>' in page


def edited(tmp_path: Path, old: str, new: str) -> Path:
    project = copy_project(BOARDS_DISTRICT, tmp_path / "district")
    file = project / BRANDS
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new), encoding="utf-8")
    return project


def test_an_unknown_adopting_community_is_located(tmp_path: Path) -> None:
    project = edited(tmp_path, "adopted_by: [chengnan/liuyin]", "adopted_by: [chengnan/nowhere]")
    line = next(n for n, t in enumerate((project / BRANDS).read_text(encoding="utf-8").split("\n"), start=1)
                if "chengnan/nowhere" in t)
    assert [str(e) for e in prepare(project, AS_OF).log.errors] == [
        f"{BRANDS}:{line}: 品牌[0].推广记录[3].借鉴社区[0](adopted_by): 未知社区“chengnan/nowhere”"]


def test_adoption_belongs_to_a_promotion_record(tmp_path: Path) -> None:
    project = edited(tmp_path, "kind: 经验推广", "kind: 简报")
    line = next(n for n, t in enumerate((project / BRANDS).read_text(encoding="utf-8").split("\n"), start=1)
                if "adopted_by" in t)
    assert [str(e) for e in prepare(project, AS_OF).log.errors] == [
        f"{BRANDS}:{line}: 品牌[0].推广记录[3].借鉴社区(adopted_by):"
        " 只有“经验推广”记录才填写借鉴社区（adopted_by）（提示：请把类型（kind）改为“经验推广”（现为“简报”））"]


def test_an_unpublished_adopter_is_a_located_error(tmp_path: Path) -> None:
    """A published promotion record may not name a held-back community (issue 13: no reference from a public
    record to a held-back one); before, the name was silently left out."""
    project = copy_project(BOARDS_DISTRICT, tmp_path / "district")
    profile = project / "communities/chengnan/liuyin/profile.yml"
    text = profile.read_text(encoding="utf-8")
    start = text.index("\npublication:")
    end = text.find("\n", start + 1)
    profile.write_text(text[:start] + "\npublication: {state: draft}" + (text[end:] if end != -1 else "\n"),
                       encoding="utf-8")
    errors = [str(e) for e in prepare(project, AS_OF).log.errors]
    assert errors == ["communities/chengnan/qingchuan/brands.yml:32: 品牌[0].推广记录[3].借鉴社区[0](adopted_by): "
                      "借鉴社区“chengnan/liuyin”尚未公开（提示：已公开的推广记录只能列出已公开的社区）"]
