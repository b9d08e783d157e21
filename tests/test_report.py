"""The half-year report (`dangjian report`): its numbers are the site's, the Word file is a 公文-style A4
document that LibreOffice opens, the district variant adds up the towns, and a bad option is refused in Chinese.

Every number is checked against what the built sample site shows (cycle pages, town pages, score pages,
the ranking page) or against the published records themselves, never against the report's own output.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from support import AS_OF, AS_OF_ARG, MINIMAL, REPO, copy_project

from generator.commands.report import report
from generator.pages.halfyear import MECHANISM_ACTIVITIES, MEETING_TYPES, half_year_report
from generator.pages.halfyear_outline import outline
from generator.pipeline import run
from generator.records.cycles import cycle_of_period
from generator.records.periods import period_bounds
from generator.records.schema import MECHANISMS, ActivityType
from generator.scoring.rubric import load_rubric

PERIOD = "2026-H1"
TOWN = "chunhui"
START, END = period_bounds(PERIOD)


@pytest.fixture(autouse=True)
def _chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DANGJIAN_LANG", raising=False)


@pytest.fixture(scope="module")
def site():  # type: ignore[no-untyped-def]
    """The sample site as built on the pinned day: its context and its rendered pages."""
    result = run(REPO, AS_OF)
    assert result.log.errors == [], [str(e) for e in result.log]
    assert result.context is not None and result.output is not None
    return result


def invoke(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(report, list(args), catch_exceptions=False)
    return res.exit_code, res.output


@pytest.fixture(scope="module")
def town_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / f"{TOWN}-{PERIOD}.docx"
    code, text = invoke("--town", TOWN, "--period", PERIOD, "--project", str(REPO), "--as-of", AS_OF_ARG,
                        "--output", str(out))
    assert code == 0, text
    assert out.is_file() and text.startswith("已生成：")
    return out


@pytest.fixture(scope="module")
def district_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / f"district-{PERIOD}.docx"
    code, text = invoke("--district", "--period", PERIOD, "--project", str(REPO), "--as-of", AS_OF_ARG,
                        "--output", str(out))
    assert code == 0, text
    return out


def tables(path: Path) -> dict[str, list[list[str]]]:
    """The Word file's tables by caption (``表3　社区党组织和党员公开承诺机制`` -> its name), header row first."""
    doc = Document(str(path))
    out: dict[str, list[list[str]]] = {}
    caption = ""
    for el in doc.element.body.iterchildren():
        if el.tag == qn("w:p"):
            text = "".join(t.text or "" for t in el.iter(qn("w:t")))
            if re.match(r"表\d+　", text):
                caption = text.split("　", 1)[1]
        elif el.tag == qn("w:tbl"):
            rows = [["".join(t.text or "" for t in tc.iter(qn("w:t"))).replace("\u200b", "")  # break hints
                     for tc in tr.iter(qn("w:tc"))] for tr in el.iter(qn("w:tr"))]
            out[caption] = rows
    return out


def by_name(rows: list[list[str]]) -> dict[str, dict[str, str]]:
    header = rows[0]
    return {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}


def badge_counts(page: str, section: str) -> dict[str, int]:
    """Status badges in one ``## section`` of a page, counted by label."""
    part = page.split(f"## {section}", 1)[1].split("\n## ", 1)[0]
    found: dict[str, int] = {}
    for label in re.findall(r'<span class="dj-badge dj-badge-[a-z-]+">([^<]+)</span>', part):
        found[label] = found.get(label, 0) + 1
    return found


# --- the numbers are the site's ---------------------------------------------------------------------


def test_pledges_brands_and_scores_equal_the_site_pages(site, town_docx: Path) -> None:  # type: ignore[no-untyped-def]
    rows = by_name(tables(town_docx)["基本情况"])
    pages = site.output.pages
    town = next(t for t in site.context.district.towns if t.id == TOWN)
    town_page = pages[f"towns/{TOWN}/index.md"]
    assert set(rows) == {c.name for c in town.communities} | {"合计"}
    totals = {"承诺": 0, "已完成": 0, "逾期": 0}
    for c in town.communities:
        cycle = cycle_of_period(c.profile.cycles, PERIOD)
        assert cycle is not None
        cycle_page = pages[f"towns/{TOWN}/{c.id}/cycles/{cycle.id}/index.md"]
        shown = badge_counts(cycle_page, "公开承诺")
        row = rows[c.name]
        assert int(row["承诺"]) == sum(shown.values()), c.name
        assert int(row["已完成"]) == shown.get("已完成", 0), c.name
        assert int(row["逾期"]) == shown.get("逾期", 0), c.name
        for k in totals:
            totals[k] += int(row[k])
        # brands and the latest score, as the town page lists them
        cells = re.search(rf'<tr><td><a href="[^"]*{c.id}/">{c.name}</a></td><td>[^<]*</td><td>\d+</td>'
                          rf"<td>(\d+)</td>(?:<td>(?:<a [^>]+>([\d.]+)</a>|—))?", town_page)
        assert cells is not None, c.name
        assert row["品牌"] == cells.group(1)
        assert row["考评得分"] == (cells.group(2) or "—")
        assert row["报送半年报告"] == ("是" if f'id="report-{PERIOD}"' in cycle_page else "否")
    assert {k: int(rows["合计"][k]) for k in totals} == totals


def test_activity_and_meeting_counts_are_the_published_records_of_the_period(
        site, town_docx: Path) -> None:  # type: ignore[no-untyped-def]
    overview = by_name(tables(town_docx)["基本情况"])
    residence = by_name(tables(town_docx)[MECHANISMS[3]])
    leadership = by_name(tables(town_docx)[MECHANISMS[5]])
    town = next(t for t in site.context.district.towns if t.id == TOWN)
    for c in town.communities:
        held = [a for a in c.activities.activities if START <= a.date <= END]
        assert int(overview[c.name]["活动"]) == len(held)
        assert int(overview[c.name]["会议"]) == sum(a.type in MEETING_TYPES for a in held)
        assert int(leadership[c.name]["协调会"]) == sum(a.type == "协调会" for a in held)
        service = [a for a in held if a.type in MECHANISM_ACTIVITIES[MECHANISMS[3]]]
        assert int(residence[c.name]["活动"]) == len(service)
        assert int(residence[c.name]["参加人次"]) == sum(a.participants for a in service)


def score_page_items(page: str) -> tuple[str, list[int]]:
    total = re.search(r'<p class="dj-scorecard">.*?<strong>([\d.]+)分</strong>', page, flags=re.S)
    assert total is not None
    rows = re.findall(r'<li class="dj-item dj-item-(lost|full)" id="item-(\d+)">.*?<strong>([\d.]+)/([\d.]+)分',
                      page, flags=re.S)
    assert len(rows) == 23
    return total.group(1), [int(n) for _, n, score, top in rows if float(score) < float(top)]


def test_items_at_risk_are_the_score_pages_items_below_full_marks(
        site, town_docx: Path) -> None:  # type: ignore[no-untyped-def]
    scores = by_name(tables(town_docx)["考评得分"])
    risks = {int(r[0]): r for r in tables(town_docx)["考评细则失分项"][1:]}
    losing: dict[int, set[str]] = {}
    town = next(t for t in site.context.district.towns if t.id == TOWN)
    scored = [c for c in town.communities if site.context.scores.for_community(c.key)]
    assert set(scores) == {c.name for c in scored}
    for c in scored:
        latest = next(r for r in site.context.scores.for_community(c.key) if r.period <= PERIOD)
        total, items = score_page_items(site.output.pages[f"{latest.period_url}index.md"])
        row = scores[c.name]
        assert row["考评得分"] == total
        assert row["失分项"] == ("、".join(map(str, items)) or "—")
        for n in items:
            losing.setdefault(n, set()).add(c.name)
    assert sorted(risks) == sorted(losing)
    for n, names in losing.items():
        assert set(risks[n][3].split("、")) == names


def ranking_indicators(page: str) -> dict[str, str]:
    """``label -> 83.3%（10/12）`` from the ranking page's indicator table."""
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th><td>([\d.]+%)（(\d+)/(\d+)[^）]*）</td>', page)
    return {label: f"{value}（{n}/{d}）" for label, value, n, d in rows}


def test_indicators_equal_the_ranking_page_and_the_towns_add_up(
        site, town_docx: Path, district_docx: Path) -> None:  # type: ignore[no-untyped-def]
    shown = ranking_indicators(site.output.pages["ranking/index.md"])
    assert len(shown) == len(site.context.scores.indicators) == 5
    town_rows = by_name(tables(town_docx)["主要指标与全区目标对照"])  # one row per indicator
    district_rows = by_name(tables(district_docx)["主要指标与全区目标对照"])  # one row per town
    towns = [t.name for t in site.context.district.towns if t.communities]
    for label, value in shown.items():
        assert town_rows[label]["全区"] == value
        assert district_rows["全区"][label] == value
        parts = [re.search(r"（(\d+)/(\d+)）", district_rows[name][label]) for name in towns]
        n, d = (int(x) for x in re.search(r"（(\d+)/(\d+)）", value).groups())  # type: ignore[union-attr]
        assert sum(int(p.group(1)) for p in parts if p) == n
        assert sum(int(p.group(2)) for p in parts if p) == d
        assert district_rows["春晖街道"][label] == town_rows[label]["春晖街道"]
    targets = {i.label: i.target_text for i in site.context.scores.indicators}  # the targets are data
    assert {label: row["全区目标"] for label, row in town_rows.items()} == targets
    assert {label: district_rows["全区目标"][label] for label in targets} == targets


def test_the_district_report_aggregates_the_towns(site, district_docx: Path) -> None:  # type: ignore[no-untyped-def]
    overview = by_name(tables(district_docx)["基本情况"])
    towns = [t for t in site.context.district.towns if t.communities]
    assert list(overview) == [t.name for t in towns] + ["合计"]
    per_town = {t.id: half_year_report(site.context, PERIOD, t.id) for t in towns}
    for t in towns:
        pledges = sum(sum(badge_counts(site.output.pages[
            f"towns/{t.id}/{c.id}/cycles/{cycle_of_period(c.profile.cycles, PERIOD).id}/index.md"],  # type: ignore[union-attr]
            "公开承诺").values()) for c in t.communities)
        assert int(overview[t.name]["承诺"]) == pledges
        assert int(overview[t.name]["活动"]) == sum(len(c.activities) for c in per_town[t.id].communities)
    for column in ("活动", "会议", "承诺", "已完成", "逾期", "品牌", "报送半年报告"):
        assert int(overview["合计"][column]) == sum(int(overview[t.name][column]) for t in towns)
    doc = Document(str(district_docx))
    assert doc.paragraphs[0].text.replace("\n", "") == "青禾区“六位一体”社区党建机制2026年上半年推进和落实情况汇总报告"


def test_activity_types_each_serve_one_mechanism_as_the_rubric_uses_them() -> None:
    types = set(ActivityType.__args__)  # type: ignore[attr-defined]
    listed = [t for ts in MECHANISM_ACTIVITIES.values() for t in ts]
    assert sorted(listed) == sorted(types)  # every type once
    rubric, _ = load_rubric()
    assert rubric is not None
    assert [c.name for c in rubric.categories] == list(MECHANISMS)

    def named(rule: object) -> set[str]:
        found: set[str] = set()
        if isinstance(rule, dict):
            found.update(rule.get("activity_types") or ())
            for v in rule.values():
                found |= named(v)
        elif isinstance(rule, list):
            for v in rule:
                found |= named(v)
        return found

    for cat in rubric.categories:
        for item in cat.items:
            for t in named(item.rule.model_dump()):
                assert t in MECHANISM_ACTIVITIES[cat.name], (item.no, t)


# --- the Word file ---------------------------------------------------------------------------------


def east_asia(style: object) -> str:
    fonts = style.element.rPr.rFonts  # type: ignore[attr-defined]
    return fonts.get(qn("w:eastAsia"))


def test_the_word_file_is_an_a4_official_document(town_docx: Path) -> None:
    doc = Document(str(town_docx))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = [section.top_margin, section.bottom_margin, section.left_margin, section.right_margin]
    assert [round(m.mm, 1) for m in margins] == [37.0, 35.0, 28.0, 26.0]
    styles = doc.styles
    assert east_asia(styles["Normal"]) == "仿宋_GB2312"
    assert styles["Normal"].font.size == Pt(16)  # 三号
    assert styles["Normal"].paragraph_format.line_spacing == Pt(28)
    assert east_asia(styles["Title"]) == "方正小标宋简体" and styles["Title"].font.size == Pt(22)  # 二号
    assert east_asia(styles["Heading 1"]) == "黑体" and styles["Heading 1"].font.size == Pt(16)
    assert east_asia(styles["Heading 2"]) == "楷体_GB2312" and styles["Heading 2"].font.size == Pt(16)
    for name in ("Normal", "Title", "Heading 1", "Heading 2"):  # no theme font can override the Chinese font
        assert styles[name].element.rPr.rFonts.get(qn("w:eastAsiaTheme")) is None
    paragraphs = doc.paragraphs
    assert paragraphs[0].style.name == "Title"
    assert paragraphs[0].text == "春晖街道“六位一体”社区党建机制\n2026年上半年推进和落实情况报告"
    assert paragraphs[1].text == "中共青禾区委组织部："
    h1 = [p.text for p in paragraphs if p.style.name == "Heading 1"]
    assert h1 == ["一、基本情况", "二、六项机制推进和落实情况", "三、考评细则失分项", "四、主要指标与全区目标对照",
                  "五、存在问题和差距"]
    h2 = [p.text for p in paragraphs if p.style.name == "Heading 2"]
    assert h2[:6] == [f"（{n}）{m}" for n, m in zip("一二三四五六", MECHANISMS, strict=True)]
    for footer in (section.footer, section.even_page_footer):  # page numbers, odd and even pages
        assert "PAGE" in "".join(t.text or "" for t in footer._element.iter(qn("w:instrText")))
    assert doc.settings.odd_and_even_pages_header_footer
    table = doc.tables[0]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # the header repeats on each page
    assert sum(c.width for c in table.columns) <= Mm(157)


def test_the_font_table_names_a_fallback_for_the_gb2312_fonts(town_docx: Path) -> None:
    doc = Document(str(town_docx))
    part = next(p for p in doc.part.package.iter_parts() if p.partname.endswith("/fontTable.xml"))
    xml = part.blob.decode("utf-8")
    assert re.search(r'w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>', xml)
    assert re.search(r'w:name="楷体_GB2312"><w:altName w:val="楷体"/>', xml)


def test_libreoffice_converts_the_town_report_to_pdf(town_docx: Path, tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("soffice is missing in CI (scripts/setup-test-tools.sh installs libreoffice-writer)")
        pytest.skip("LibreOffice (soffice) is not installed; bash scripts/setup-test-tools.sh installs it")
    profile = tmp_path / "lo-profile"
    proc = subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                           "--outdir", str(tmp_path), str(town_docx)], capture_output=True, text=True, timeout=180)
    pdf = tmp_path / (town_docx.stem + ".pdf")
    assert proc.returncode == 0 and pdf.is_file(), proc.stdout + proc.stderr
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert boxes and all(abs(float(w) - 595.3) < 1 and abs(float(h) - 841.9) < 1 for w, h in boxes)  # A4
    assert len(boxes) >= 3
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
        assert "一、基本情况" in text and "五、存在问题和差距" in text


# --- the page on the site ---------------------------------------------------------------------------


def test_a_published_report_is_a_page_with_the_words_of_the_word_file(site) -> None:  # type: ignore[no-untyped-def]
    assert PERIOD in site.context.config.publish_reports
    pages = site.output.pages
    page = pages[f"towns/{TOWN}/reports/{PERIOD}/index.md"]
    doc = outline(half_year_report(site.context, PERIOD, TOWN))
    for heading in doc.headings:
        assert f"{heading} {{#" in page
    assert f"# {doc.title}\n" in page
    assert f"reports/{PERIOD}/index.md" in pages
    assert f"towns/{TOWN}/reports/{PERIOD}/" in pages[f"towns/{TOWN}/index.md"]  # the town page links to it


def test_no_report_page_unless_the_site_config_publishes_it() -> None:
    result = run(MINIMAL, AS_OF)
    assert result.output is not None, [str(e) for e in result.log]
    assert [p for p in result.output.pages if "reports/" in p] == []


# --- the command ------------------------------------------------------------------------------------


def test_a_bad_period_is_refused_in_chinese() -> None:
    code, text = invoke("--town", TOWN, "--period", "2026-H3", "--project", str(REPO))
    assert code == 2
    assert text == "错误：--period 2026-H3：应为半年度，例如 2026-H1（上半年）或 2026-H2（下半年）\n"


@pytest.mark.parametrize(("args", "expected"), [
    (("--period", PERIOD), "错误：请用 --town 指定一个镇（街道），或用 --district 生成全区汇总报告，二者选一\n"),
    (("--town", "nowhere", "--period", PERIOD),
     "错误：--town nowhere：没有这个镇（街道）；可选：chunhui、songshi、wangchuan\n"),
    (("--town", TOWN, "--period", "2027-H1"), "错误：--period 2027-H1：该半年度尚未开始（数据截至2026-11-27）\n"),
], ids=["no-scope", "unknown-town", "future"])
def test_other_bad_options_are_refused_in_chinese(args: tuple[str, ...], expected: str) -> None:
    code, text = invoke(*args, "--project", str(REPO), "--as-of", AS_OF_ARG)
    assert (code, text) == (2, expected)


def test_broken_data_is_listed_with_file_and_line_and_nothing_is_written(tmp_path: Path) -> None:
    project = copy_project(MINIMAL, tmp_path / "p", {
        "communities/demo-town/town.yml": lambda text: text.replace("kind: 街道", "kind: 村")})
    out = tmp_path / "out.docx"
    code, text = invoke("--town", "demo-town", "--period", PERIOD, "--project", str(project),
                        "--as-of", AS_OF_ARG, "--output", str(out))
    assert code == 1
    assert re.search(r"communities/demo-town/town\.yml:2: .*\(kind\)", text), text
    assert text.rstrip().endswith("报告未生成。")
    assert not out.exists()


def test_the_default_file_name_and_the_markdown_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, text = invoke("--town", TOWN, "--period", PERIOD, "--project", str(REPO), "--as-of", AS_OF_ARG,
                        "--markdown", "out/report.md")
    assert code == 0, text
    assert (tmp_path / "reports" / f"{TOWN}-{PERIOD}.docx").is_file()
    assert text.splitlines()[0] == f"已生成：reports/{TOWN}-{PERIOD}.docx（春晖街道，2026年上半年，4个社区）"
    md = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert md.startswith("# 春晖街道“六位一体”社区党建机制2026年上半年推进和落实情况报告\n")
    assert "## 一、基本情况" in md and "| 社区 | 活动 | 会议 |" in md


def test_a_period_still_running_is_marked_as_such(site) -> None:  # type: ignore[no-untyped-def]
    doc = outline(half_year_report(site.context, "2026-H2", TOWN))
    assert period_bounds("2026-H2")[1] > AS_OF
    assert any(b.text == "本期尚未结束，以上为截至2026年11月27日的阶段性情况。" for b in doc.blocks)
