"""`dangjian brief BRAND`: the briefing kit (Markdown and Word drafts, QR code, share poster) for a brand.

The scenario district is tests/fixtures/projects/brief/ (see its README); the Markdown draft is a golden
file, regenerated with ``UPDATE_GOLDEN=1 python -m pytest tests/test_brief.py``.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import markdown
import pytest
from click.testing import CliRunner, Result
from docx import Document
from docx.oxml.ns import qn
from golden_util import assert_golden
from PIL import Image
from support import AS_OF_ARG, PROJECTS, copy_project

from generator.commands.brief import brief
from generator.pages.qr import qr_png, qr_svg
from generator.reports import poster
from generator.reports.poster import wrap

BRIEF = PROJECTS / "brief"
URL = "https://dangjian.example.gov.cn/brands/yinfa-jia/"
FILES = ["brief.docx", "brief.md", "poster.png", "qr.png", "qr.svg"]
HEADINGS = ["基本情况", "主要数字", "工作成效及依据", "品牌故事", "培育记录（年初有计划，半年有检查，年终有验收）",
            "2025年", "2026年", "获得表彰", "宣传推广", "永久链接与二维码"]


@pytest.fixture(autouse=True)
def _chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DANGJIAN_LANG", raising=False)


def run(*args: str, project: Path = BRIEF) -> Result:
    return CliRunner().invoke(brief, [*args, "-p", str(project), "--as-of", AS_OF_ARG], catch_exceptions=False)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, dict[str, bytes]]:
    """The kit of the model brand, made once for this module: the command's result and each file's bytes."""
    folder = tmp_path_factory.mktemp("kit") / "yinfa-jia"
    result = run("yinfa-jia", "-o", str(folder))
    assert result.exit_code == 0, result.stderr
    return result, {name: (folder / name).read_bytes() for name in FILES}


def test_the_kit_has_every_file(made: tuple[Result, dict[str, bytes]]) -> None:
    result, files = made
    folder = result.stdout.splitlines()[0].removeprefix("已生成 ").rsplit("/", 1)[0]
    assert result.stdout.splitlines() == [f"已生成 {folder}/{name}" for name in FILES]
    assert result.stderr == f"简报素材已生成：{folder}（品牌页 {URL}）\n"
    assert sorted(files) == sorted(FILES)


def test_markdown_draft_matches_golden(made: tuple[Result, dict[str, bytes]]) -> None:
    assert_golden("brief/yinfa-jia.md", made[1]["brief.md"].decode("utf-8"))


def test_markdown_carries_evidence_link_and_qr(made: tuple[Result, dict[str, bytes]]) -> None:
    text = made[1]["brief.md"].decode("utf-8")
    assert f"- 永久链接：<{URL}>" in text
    assert "同日表彰《2026年度社区党建示范品牌》（测组通〔2026〕8号）" in text
    assert "同日简报《家门口的热饭》" in text
    assert "![品牌页二维码](qr.png)" in text
    assert "alert" not in text and "<script" not in text  # the story is rendered and sanitized as on the page


def test_docx_has_the_headings_fonts_and_permanent_link(made: tuple[Result, dict[str, bytes]], tmp_path: Path) -> None:
    path = tmp_path / "brief.docx"
    path.write_bytes(made[1]["brief.docx"])
    doc = Document(str(path))
    assert doc.paragraphs[0].style.name == "Title"
    assert doc.paragraphs[0].text == "简报素材：晴川“银发家”"
    assert [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")] == HEADINGS
    links = [r.target_ref for r in doc.part.rels.values() if r.is_external]
    assert URL in links
    assert sum(URL in p.text for p in doc.paragraphs) >= 2  # in the summary and in its own section
    section = doc.sections[0]
    assert (section.page_width.twips, section.page_height.twips) == (11906, 16838)  # A4
    east_asian = {name: doc.styles[name].element.rPr.rFonts.get(qn("w:eastAsia"))
                  for name in ("Normal", "Heading 1", "Heading 2", "Title")}
    assert east_asian == {"Normal": "仿宋", "Heading 1": "黑体", "Heading 2": "黑体", "Title": "黑体"}
    assert len(doc.inline_shapes) == 1  # the QR code


def test_qr_files_are_the_sites_own(made: tuple[Result, dict[str, bytes]]) -> None:
    files = made[1]
    assert files["qr.png"] == qr_png(URL)
    assert files["qr.svg"] == qr_svg(URL)


def test_poster_is_a_tall_png(made: tuple[Result, dict[str, bytes]], tmp_path: Path) -> None:
    path = tmp_path / "poster.png"
    path.write_bytes(made[1]["poster.png"])
    with Image.open(path) as img:
        assert img.format == "PNG"
        assert img.size == (1080, 1920)
        assert img.mode == "RGB"


def test_the_poster_qr_decodes_to_the_permanent_url(made: tuple[Result, dict[str, bytes]], tmp_path: Path) -> None:
    """zbarimg (Debian zbar-tools, installed by scripts/setup-test-tools.sh) reads the code on the poster."""
    if shutil.which("zbarimg") is None:
        pytest.skip("zbarimg not installed (scripts/setup-test-tools.sh installs it)")
    path = tmp_path / "poster.png"
    path.write_bytes(made[1]["poster.png"])
    proc = subprocess.run(["zbarimg", "--quiet", "--raw", str(path)], capture_output=True, text=True)
    assert proc.stdout.strip() == URL


def test_the_kit_is_reproducible(made: tuple[Result, dict[str, bytes]], tmp_path: Path) -> None:
    again = run("yinfa-jia", "-o", str(tmp_path / "again"))
    assert again.exit_code == 0
    for name in FILES:
        assert (tmp_path / "again" / name).read_bytes() == made[1][name], name


def test_a_former_id_finds_the_brand(tmp_path: Path) -> None:
    result = run("elder-canteen", "-o", str(tmp_path / "kit"))
    assert result.exit_code == 0
    assert result.stderr.startswith("“elder-canteen”是品牌的曾用 id，现用 id 为“yinfa-jia”\n")
    assert f"<{URL}>" in (tmp_path / "kit" / "brief.md").read_text(encoding="utf-8")


def test_the_default_folder_is_briefs_brand_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("green-home")
    assert result.exit_code == 0
    assert sorted(p.name for p in (tmp_path / "briefs" / "green-home").iterdir()) == sorted(FILES)
    text = (tmp_path / "briefs" / "green-home" / "brief.md").read_text(encoding="utf-8")
    assert "- 创建年份：2026年" in text  # nothing to count yet: the poster and draft show the year it started
    assert "## 工作成效及依据\n\n暂无记录。\n" in text


def test_an_unknown_brand_is_an_exact_error(tmp_path: Path) -> None:
    result = run("no-such-brand", "-o", str(tmp_path / "kit"))
    assert result.exit_code == 1
    assert result.stderr == ("错误：未找到已公开的党建品牌“no-such-brand”"
                             "（写品牌 id，即品牌页地址 brands/<id>/ 中的 id；已公开的品牌共 2 个）\n")
    assert not (tmp_path / "kit").exists()


def test_a_missing_font_is_an_exact_error_and_nothing_is_written(tmp_path: Path) -> None:
    result = run("yinfa-jia", "-o", str(tmp_path / "kit"), "--font", "/no/such/font.ttf")
    assert result.exit_code == 1
    assert result.stderr == "错误：--font /no/such/font.ttf：字体文件不存在\n"
    assert result.stdout == ""
    assert not (tmp_path / "kit").exists()


def test_a_file_that_is_no_font_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "fake.ttf"
    fake.write_text("not a font", encoding="utf-8")
    result = run("yinfa-jia", "-o", str(tmp_path / "kit"), "--font", str(fake))
    assert result.exit_code == 1
    assert result.stderr == f"错误：--font {fake}：不是可用的字体文件（应为 .ttf、.otf 或 .ttc）\n"


def test_a_font_without_chinese_is_refused(tmp_path: Path) -> None:
    latin = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not latin.is_file():
        pytest.skip("DejaVu Sans is not installed")
    result = run("yinfa-jia", "-o", str(tmp_path / "kit"), "--font", str(latin))
    assert result.exit_code == 1
    assert result.stderr == f"错误：--font {latin}：该字体没有中文字形，海报上的中文会显示为方框\n"


def test_no_chinese_font_anywhere_is_an_exact_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(poster, "KNOWN_FONTS", ())
    monkeypatch.setattr(poster, "FC_MATCH", None)
    result = run("yinfa-jia", "-o", str(tmp_path / "kit"))
    assert result.exit_code == 1
    assert result.stderr == ("错误：找不到中文字体，无法生成海报："
                             "请用 --font 指定一个中文字体文件（.ttf、.otf 或 .ttc），"
                             "或安装 Noto CJK 字体（Debian 软件包 fonts-noto-cjk）\n")
    assert not (tmp_path / "kit").exists()


def test_record_text_never_becomes_markup(tmp_path: Path) -> None:
    name = "<b>晴川</b>*银发家*[点我](javascript:alert(1))"
    root = copy_project(BRIEF, tmp_path / "brief", {
        "communities/chengnan/qingchuan/brands.yml": lambda s: s.replace("name: 晴川“银发家”", f"name: '{name}'")})
    result = run("yinfa-jia", "-o", str(tmp_path / "kit"), project=root)
    assert result.exit_code == 0, result.stderr
    text = (tmp_path / "kit" / "brief.md").read_text(encoding="utf-8")
    assert "# 简报素材：&lt;b&gt;晴川&lt;/b&gt;\\*银发家\\*\\[点我\\]\\(javascript:alert\\(1\\)\\)\n" in text
    renderers = [markdown.markdown]  # Python-Markdown, as MkDocs; and CommonMark when markdown-it-py is there
    try:
        from markdown_it import MarkdownIt
        renderers.append(MarkdownIt("commonmark").render)
    except ImportError:
        pass
    for render in renderers:
        html = render(text)
        assert "<h1>简报素材：&lt;b&gt;晴川&lt;/b&gt;*银发家*[点我](javascript:alert(1))</h1>" in html, render
        assert "<b>" not in html and "<em>" not in html and 'href="javascript' not in html
    doc = Document(str(tmp_path / "kit" / "brief.docx"))
    assert doc.paragraphs[0].text == f"简报素材：{name}"  # Word holds it as text


def test_broken_records_are_located_and_nothing_is_written(tmp_path: Path) -> None:
    root = copy_project(BRIEF, tmp_path / "brief", {
        "communities/chengnan/qingchuan/brands.yml": lambda s: s.replace("started: 2025-03-01", "started: spring")})
    result = run("yinfa-jia", "-o", str(tmp_path / "kit"), project=root)
    assert result.exit_code == 1
    assert "communities/chengnan/qingchuan/brands.yml:" in result.stderr
    assert result.stderr.endswith("发现 1 个问题，未生成简报。\n")
    assert not (tmp_path / "kit").exists()


def test_chinese_wraps_by_character_and_keeps_punctuation_and_words() -> None:
    font = poster._Faces(poster.find_font(None))(40)
    text = "以长者食堂、楼栋探访和党员助老岗为支点，让高龄、独居老人在家门口得到照应。 see https://x.example/a"
    lines = wrap(text, font, 400)
    assert len(lines) > 2
    assert all(font.getlength(line) <= 400 + font.getlength("，") for line in lines)
    assert not any(line.startswith(("，", "、", "。")) for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert "see" in {word for line in lines for word in line.split()}  # a Latin word is never split
