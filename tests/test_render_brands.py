"""Brand gallery, permanent brand pages, redirects from former ids, and resized images."""

from __future__ import annotations

import io
import re
from pathlib import Path

import yaml
from boards_util import context_for, district_output, render_boards
from PIL import Image
from support import AS_OF, AS_OF_ARG, BOARDS_DISTRICT, cli, copy_project

from generator.pipeline import prepare
from generator.records.images import LARGE, SMALL, describe, encode, scaled


def test_gallery_lists_every_brand_by_town_with_a_theme_index() -> None:
    _, output = district_output()
    page = output.pages["brands/index.md"]
    for brand_id in ("elder-canteen", "green-home", "lotus-neighbours"):
        assert f'href="../brands/{brand_id}/"' in page
    assert '<h2 id="town-chengnan">城南街道</h2>' in page and '<h2 id="town-hehua">荷花镇</h2>' in page
    assert 'href="#town-hehua"' in page and '<h2 id="themes">按主题浏览</h2>' in page
    assert page.count('data-town="chengnan"') == 3  # two cards and the section
    assert "<form class=\"dj-brand-filter\" data-dj-brand-filter hidden>" in page
    assert '<span class="dj-badge dj-badge-model">示范品牌</span>' in page


def test_brand_page_has_story_record_mentions_commendations_and_share_block() -> None:
    _, output = district_output()
    page = output.pages["brands/elder-canteen/index.md"]
    assert "<h1>晴川长者食堂</h1>" in page
    assert "<strong>社区党委</strong>" in page  # Markdown body rendered
    assert "<script" not in page  # and sanitised
    for label in ("年初计划", "半年检查", "年终验收", "2025年12月20日：通过街道验收"):
        assert label in page
    assert '<a href="https://news.example.com/a?x=1&amp;y=2" rel="noopener noreferrer">社区食堂暖人心</a>' in page
    assert "2026年度社区党建示范品牌</strong>（测组通〔2026〕8号）" in page
    assert 'src="qr.svg"' in page and 'download="brand-elder-canteen-qr.png"' in page
    assert "https://dangjian.example.gov.cn/brands/elder-canteen/" in page


def test_brand_page_front_matter_has_description_and_open_graph_image() -> None:
    _, output = district_output()
    front = yaml.safe_load(output.pages["brands/elder-canteen/index.md"].split("---")[1])
    assert front["title"] == "晴川长者食堂 · 晴川社区"
    assert front["description"].startswith("党员志愿者参与运营")
    assert front["og_image"] == "https://dangjian.example.gov.cn/media/brands/elder-canteen/01-canteen-960.jpg"
    assert front["og_image_alt"] == "长者食堂里老人们在用午餐"
    plain = yaml.safe_load(output.pages["brands/green-home/index.md"].split("---")[1])
    assert "og_image" not in plain  # falls back to the site image in theme/main.html


def test_former_id_gets_a_redirect_page() -> None:
    _, output = district_output()
    html = output.files["brands/qingchuan-canteen/index.html"].decode()
    assert '<meta http-equiv="refresh" content="0; url=../elder-canteen/">' in html
    assert '<link rel="canonical" href="https://dangjian.example.gov.cn/brands/elder-canteen/">' in html
    assert '<a href="../elder-canteen/">前往“晴川长者食堂”</a>' in html
    assert '<html lang="zh-CN">' in html


def test_moving_a_brand_to_another_community_keeps_its_url(tmp_path: Path) -> None:
    project = copy_project(BOARDS_DISTRICT, tmp_path / "district")
    src = project / "communities/hehua/xinyuan/brands.yml"
    dest = project / "communities/chengnan/liuyin/brands.yml"
    data = yaml.safe_load(src.read_text(encoding="utf-8"))
    (dest.parent / "images").mkdir()
    (project / "communities/hehua/xinyuan/images/lotus.jpg").rename(dest.parent / "images/lotus.jpg")
    dest.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    src.unlink()
    output = render_boards(context_for(project))
    page = output.pages["brands/lotus-neighbours/index.md"]
    assert "柳荫社区" in page
    assert "media/brands/lotus-neighbours/01-lotus-900.jpg" in output.files


def test_images_are_resized_stripped_and_rotated(tmp_path: Path) -> None:
    _, output = district_output()
    large = Image.open(io.BytesIO(output.files["media/brands/elder-canteen/01-canteen-960.jpg"]))
    small = Image.open(io.BytesIO(output.files["media/brands/elder-canteen/01-canteen-480.jpg"]))
    assert large.size == (LARGE, 600) and small.size == (SMALL, 300)
    assert not large.getexif()  # no camera, time or GPS metadata on the site
    assert "media/brands/elder-canteen/02-volunteers-400.png" in output.files  # small images are not enlarged
    # EXIF orientation 6 (rotated 90°): the published image is upright, portrait.
    lotus = Image.open(io.BytesIO(output.files["media/brands/lotus-neighbours/01-lotus-900.jpg"]))
    assert lotus.size == (900, 1200)


def test_image_encoding_is_deterministic() -> None:
    context, _ = district_output()
    src = context.project / "communities/chengnan/qingchuan/images/canteen.jpg"
    image = describe(src, "alt", "media/brands/x", 0)
    assert encode(image) == encode(image)
    assert scaled(300, 200, 960) == (300, 200) and scaled(1920, 1080, 960) == (960, 540)


def test_gallery_images_have_alt_text_and_sizes() -> None:
    _, output = district_output()
    for tag in re.findall(r"<img [^>]+>", output.pages["brands/index.md"]):
        assert re.search(r'alt="[^"]+"', tag) and 'width="' in tag and 'height="' in tag, tag


def test_unreadable_image_is_reported_with_its_record(tmp_path: Path) -> None:
    project = copy_project(BOARDS_DISTRICT, tmp_path / "district")
    photo = project / "communities/hehua/xinyuan/images/lotus.jpg"
    photo.write_bytes(b"not an image")
    lines = (project / "communities/hehua/xinyuan/brands.yml").read_text(encoding="utf-8").split("\n")
    at = next(n for n, text in enumerate(lines, start=1) if "images/lotus.jpg" in text)
    messages = [str(e) for e in prepare(project, AS_OF).log.errors]
    assert messages == [f"communities/hehua/xinyuan/brands.yml:{at}: 品牌[0].图片[0].文件(file):"
                        f" 无法读取图片：cannot identify image file '{photo}'"]


def test_check_refuses_a_truncated_photo_that_build_could_not_encode(tmp_path: Path) -> None:
    """The header of a cut-off JPEG reads fine; only decoding the pixels fails. check must say so, as build would."""
    project = copy_project(BOARDS_DISTRICT, tmp_path / "district")
    photo = project / "communities/hehua/xinyuan/images/lotus.jpg"
    buf = io.BytesIO()
    Image.effect_noise((1200, 800), 64).convert("RGB").save(buf, "JPEG", quality=90)
    photo.write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    with Image.open(photo) as im:
        assert im.size == (1200, 800)  # the header alone looks like a good photo
    result = cli("check", "-p", str(project), "--as-of", AS_OF_ARG)
    assert result.exit_code == 1
    line = (project / "communities/hehua/xinyuan/brands.yml").read_text(encoding="utf-8").split("\n")
    at = next(n for n, text in enumerate(line, start=1) if "images/lotus.jpg" in text)
    assert re.fullmatch(f"错误：communities/hehua/xinyuan/brands.yml:{at}: "
                        + re.escape("品牌[0].图片[0].文件(file): 无法读取图片：image file is truncated (")
                        + r"\d+ bytes not processed\)\n发现 1 处问题，未生成任何内容。\n", result.stderr), \
        result.stderr


DRAFT_FIRST = """publication: {state: approved, approved_by: 荷花镇党委, approved_on: 2025-02-01}
brands:
  - id: draft-brand
    name: 草稿品牌
    theme: 邻里互助
    summary: 尚未审批。
    started: 2025-05-01
    publication: {state: draft}
    images:
      - {file: images/lotus.jpg, alt: 草稿图片}
  - id: lotus-neighbours
    name: 荷邻里
    theme: 邻里互助
    summary: 楼栋党员联络员带动邻里互助。
    started: 2025-05-01
    images:
      - {file: images/broken.jpg, alt: 楼栋党员联络员上门走访}
"""


def test_image_error_names_the_brand_in_the_file_not_its_place_among_published_ones(tmp_path: Path) -> None:
    """Brand 0 is a draft, so brand 1 is the first published one: the error must still say brands[1], line 17."""
    project = copy_project(BOARDS_DISTRICT, tmp_path / "district")
    folder = project / "communities/hehua/xinyuan"
    (folder / "brands.yml").write_text(DRAFT_FIRST, encoding="utf-8")
    (folder / "images/broken.jpg").write_bytes(b"not an image")
    located = [(e.path, e.line, e.field) for e in prepare(project, AS_OF).log.errors]
    assert located == [("communities/hehua/xinyuan/brands.yml", 17, "brands[1].images[0].file")]
