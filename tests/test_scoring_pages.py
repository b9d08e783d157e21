"""Score, ranking, rubric, honours pages: what a resident sees, readable without JavaScript."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from scoring_util import ALPHA, clone_community, rendered, replace
from support import FULL_MARKS, copy_project

from generator.pages.output import Output

COMMENDATION = """commendations:
  - id: xianjin-2025
    title: 2025年度先进集体
    document_no: 测组通〔2026〕1号
    date: 2026-02-26
    communities: [nancheng/alpha]
    brands: [alpha-brand]
    reason: 六项机制落实到位
"""
REFINE = """rubric_refinements:
  - {town: nancheng, item: 16, note: 参与率达标即得2分, document_no: 南城党工委〔2025〕3号, steps: [0, 2, 3]}
"""


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Output:
    project = copy_project(FULL_MARKS, tmp_path_factory.mktemp("pages") / "project", {
        "communities/district.yml": lambda t: t + COMMENDATION,
        "site_config.yml": lambda t: t + REFINE,
    })
    clone_community(project, "nancheng", "beta", "贝塔社区", {
        "members.yml": replace("participating: 31", "participating: 30"),
        "brands.yml": replace("        yearend: {date: 2025-12-20, summary: 年终验收}\n", ""),
    })
    clone_community(project, "beicheng", "delta", "德尔塔社区", {
        "assessments.yml": lambda t: t[: t.index("acceptance:")]})  # never accepted
    result = rendered(project)
    assert result.log.errors == [] and result.output is not None, [str(e) for e in result.log]
    return result.output


class Cells(HTMLParser):
    """Collect the text of each <td> of the rows with an id."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, list[str]] = {}
        self.row: str | None = None
        self.depth = 0
        self.svg: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "tr":
            self.row = a.get("id")
            if self.row:
                self.rows[self.row] = []
        elif tag == "td" and self.row:
            self.rows[self.row].append("")
            self.depth += 1
        elif tag == "svg":
            self.svg.append(a)

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self.row:
            self.depth -= 1
        elif tag == "tr":
            self.row = None

    def handle_data(self, data: str) -> None:
        if self.row and self.depth:
            self.rows[self.row][-1] += data


def html(page: str) -> str:
    body = page.split("---", 2)[2]
    return markdown.markdown(body, extensions=["attr_list", "md_in_html", "tables"])


def parse(page: str) -> Cells:
    cells = Cells()
    cells.feed(html(page))
    return cells


def test_score_pages_exist_only_for_accepted_communities(output: Output) -> None:
    assert "towns/nancheng/alpha/score/index.md" in output.pages
    assert "towns/nancheng/beta/score/index.md" in output.pages
    assert "towns/beicheng/delta/score/index.md" not in output.pages


def test_the_chart_is_accessible_and_repeats_its_numbers_in_a_table(output: Output) -> None:
    page = output.pages["towns/nancheng/beta/score/index.md"]
    cells = parse(page)
    [svg] = cells.svg
    assert svg["role"] == "img" and svg["aria-labelledby"] == "chart-title chart-desc"
    assert '<title id="chart-title">贝塔社区2025年下半年六项机制得分</title>' in page
    assert "社区党员居住地发挥作用机制" in page
    desc = re.search(r'<desc id="chart-desc">(.*?)</desc>', page)
    assert desc is not None and "居住地作用14分(满分15分)" in desc.group(1)
    assert re.search(r"社区党员居住地发挥作用机制</a></th><td>14</td><td>15</td>", page)


def test_every_item_row_shows_score_explanation_and_evidence(output: Output) -> None:
    for key in ("nancheng/alpha", "nancheng/beta"):
        rows = parse(output.pages[f"towns/{key}/score/index.md"]).rows
        items = {k: v for k, v in rows.items() if k.startswith("item-")}
        assert sorted(items, key=lambda k: int(k[5:])) == [f"item-{n}" for n in range(1, 24)]
        for row_id, (no, text, score, explanation, evidence) in items.items():
            assert no.strip() == row_id[5:]
            assert text.strip() and re.match(r"^\d+(\.\d)?/\d+", score.strip()), row_id
            assert explanation.strip() and ("差距" in explanation or "已得满分" in explanation), row_id
            assert evidence.strip(), f"{key} {row_id} has no evidence"


def test_gaps_and_refinements_are_shown(output: Output) -> None:
    page = output.pages["towns/nancheng/beta/score/index.md"]
    rows = parse(page).rows
    assert "差距:缺:年终有验收" in rows["item-10"][3].replace("\n", "")
    assert rows["item-16"][2].startswith("2/3")  # the 南城 refinement gives 2 points for one condition
    assert "南城街道细化(南城党工委〔2025〕3号):参与率达标即得2分" in rows["item-16"][1]
    assert 'href="../../../../towns/nancheng/beta/#pledge-member-li"' in page


def test_board_and_town_pages_link_to_the_score(output: Output) -> None:
    board = output.pages["towns/nancheng/beta/index.md"]
    assert 'href="../../../towns/nancheng/beta/score/">查看逐项得分和依据</a>' in board
    assert "<strong>97分</strong>" in board
    assert "score/" not in output.pages["towns/beicheng/delta/index.md"].split("## 基本情况")[0]
    town = output.pages["towns/nancheng/index.md"]
    assert 'href="../../towns/nancheng/beta/score/">97</a>(优秀)' in town


def test_ranking_page_ranks_filters_by_town_and_shows_district_targets(output: Output) -> None:
    page = output.pages["ranking/index.md"]
    rows = re.findall(r'<tr><td data-value="(\d+)">\d+</td><td style="white-space: nowrap"><a [^>]*>([^<]+)</a>',
                      page)
    assert rows == [("1", "阿尔法社区"), ("2", "贝塔社区")]
    assert 'href="../ranking/nancheng/">南城街道</a>' in page and 'href="../ranking/beicheng/">' in page
    assert "data-sortable" in page and "<script>" in page
    assert "<th scope=\"row\">两委班子“交叉任职”</th><td>30%(9/30名两委成员)</td><td>30%以上</td><td>达到</td>" in page
    assert "<th scope=\"row\">组织关系在社区的党员参与率</th>" in page and "超过60%" in page
    assert ("<th scope=\"row\">书记、居委会主任“一肩挑”</th><td>100%(3/3个社区)</td><td>每个社区都做到</td>"
            "<td>达到</td>") in page
    assert "尚无验收评分的社区:" in page and "德尔塔社区" in page
    town = output.pages["ranking/nancheng/index.md"]
    assert '<strong aria-current="page">南城街道</strong>' in town and "德尔塔社区" not in town


def test_rubric_page_shows_every_rule_in_plain_chinese(output: Output) -> None:
    rows = parse(output.pages["rubric/index.md"]).rows
    assert len(rows) == 23
    for row_id, (no, text, weight, rule, _note) in rows.items():
        assert no == row_id[5:] and text and weight
        assert rule.startswith(("计算:", "评定:")), rule
    assert rows["item-16"][3] == ("计算:①组织关系在社区的党员参与率超过60%;②考核年度内每个双月(1–2月、3–4月……11–12月)"
                                  "都开展集中服务活动,每两月不少于1次;满足0、1、2项分别得0、1.5、3分")
    assert "南城街道细化(南城党工委〔2025〕3号):参与率达标即得2分(分档:满足0项得0分、满足1项得2分、满足2项得3分)" in (
        rows["item-16"][4])
    assert rows["item-10"][3] == ("计算:同一品牌、同一年度依次核查①年初有计划(1月1日至3月31日);"
                                  "②半年有检查(6月1日至8月31日);③年终有验收(12月1日至次年1月31日);"
                                  "每个环节须在所属时段内,前一环节未做到的,后面的环节不计;"
                                  "满足0、1、2、3个环节分别得0、1.5、3、5分")
    assert "次年1月进行的年终验收属于被验收的年度" in rows["item-10"][4]


def test_honours_page_lists_commendations_with_scores(output: Output) -> None:
    page = output.pages["honours/index.md"]
    assert "## 2025年度先进集体 {#xianjin-2025}" in page
    assert "测组通〔2026〕1号" in page and "2026年2月26日" in page
    assert 'href="../towns/nancheng/alpha/score/">2025年下半年 100分(优秀)</a>' in page
    assert 'href="../brands/alpha-brand/">阿尔法红色驿站</a>' in page


def test_pages_are_listed_in_the_navigation(output: Output) -> None:
    titles = [n.title for n in output.nav]
    assert {"考评排名", "表彰", "考评细则"} <= set(titles)


def test_user_text_is_escaped(tmp_path: Path) -> None:
    project = copy_project(FULL_MARKS, tmp_path / "project",
                           {f"{ALPHA}/assessments.yml": replace("承诺实效明显", "<script>alert(1)</script>")})
    result = rendered(project)
    assert result.output is not None
    page = result.output.pages["towns/nancheng/alpha/score/index.md"]
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
