"""Score, ranking, rubric, honours pages: what a resident sees, readable without JavaScript."""

from __future__ import annotations

import re
from fractions import Fraction
from html.parser import HTMLParser
from pathlib import Path

import pytest
from score_page_util import card, cards, mechanisms, page_html, plain_summary, scorecard, tree
from scoring_util import ALPHA, clone_community, rendered, replace
from support import FULL_MARKS, copy_project

from generator.pages.output import Output
from generator.scoring.rules.compare import fmt_number

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

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "tr":
            self.row = a.get("id")
            if self.row:
                self.rows[self.row] = []
        elif tag == "td" and self.row:
            self.rows[self.row].append("")
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self.row:
            self.depth -= 1
        elif tag == "tr":
            self.row = None

    def handle_data(self, data: str) -> None:
        if self.row and self.depth:
            self.rows[self.row][-1] += data


def parse(page: str) -> Cells:
    cells = Cells()
    cells.feed(page_html(page))
    return cells


def test_score_pages_exist_only_for_accepted_communities(output: Output) -> None:
    assert "towns/nancheng/alpha/score/index.md" in output.pages
    assert "towns/nancheng/beta/score/index.md" in output.pages
    assert "towns/beicheng/delta/score/index.md" not in output.pages


def test_the_score_card_comes_first_with_period_grade_and_ranks(output: Output) -> None:
    page = output.pages["towns/nancheng/beta/score/index.md"]
    assert scorecard(page) == "2025年下半年考评 97分 优秀\n全区第2名（共2个） · 南城街道第2名（共2个）"
    assert scorecard(output.pages["towns/nancheng/alpha/score/index.md"]) == (
        "2025年下半年考评 100分 优秀\n全区第1名（共2个） · 南城街道第1名（共2个）")
    assert page.index('<p class="dj-scorecard">') < page.index("## 六项机制得分") < page.index("## 逐项得分")
    assert ('<p class="dj-meta"><a href="../../../../towns/nancheng/beta/">贝塔社区公开栏</a> · '
            '<a href="../../../../towns/nancheng/">南城街道</a> · 验收：2026年1月20日（测试区委组织部验收组）</p>'
            ) in page.splitlines()


def test_the_mechanisms_table_shows_each_score_against_its_policy_weight(output: Output) -> None:
    """The six mechanisms with score and maximum (20, 20, 15, 15, 15, 15), as a table a screen reader reads;
    the page draws no chart (the numbers are the whole story)."""
    page = output.pages["towns/nancheng/beta/score/index.md"]
    assert mechanisms(page) == [
        ["机制", "得分", "满分"],
        ["社区干部培养管理机制", "20", "20"],
        ["社区党组织和党员公开承诺机制", "20", "20"],
        ["社区党建品牌培育机制", "13", "15"],
        ["社区党员居住地发挥作用机制", "14", "15"],
        ["社区党员分类管理机制", "15", "15"],
        ["社区党建领导管理机制", "15", "15"],
        ["合计", "97", "100"],
    ]
    assert tree(page).find("svg") == []


def test_every_item_card_shows_score_explanation_and_evidence(output: Output) -> None:
    for key in ("nancheng/alpha", "nancheng/beta"):
        page = output.pages[f"towns/{key}/score/index.md"]
        items = cards(page)
        assert [c.no for c in items] == list(range(1, 24)), key
        for c in items:
            where = f"{key} item {c.no}"
            assert c.rubric_href == f"../../../../rubric/items/{c.no}/", where
            assert re.fullmatch(r"(\d+(?:\.\d)?)/(\d+)分", c.score), where
            got, full = (Fraction(n) for n in c.score[:-1].split("/"))
            assert c.head == f"第{c.no}项 {c.score} {c.mark}", where
            assert c.lost == (got < full), where
            if c.lost:
                assert c.mark == f"扣{fmt_number(full - got)}分", where
                assert c.why is not None and c.why.startswith("差距：") and c.why != "差距：", where
            else:
                assert (c.mark, c.why) == ("满分", None), where
            assert c.text.strip() and c.explanation.strip(), where
            assert re.fullmatch(r"得分方式：(计算|评定|改判)(。.+)?", c.basis, re.S), where
            assert c.evidence and c.missing is None, f"{where} has no evidence"
            for e in c.evidence:
                assert e.label.strip() and e.value.strip() and e.href.startswith("../../../../"), where
                assert e.where.startswith(f"communities/{key}/"), (where, e.where)
                assert e.source == f"（记录：{e.where.split('/')[-1]}）", (where, e.source)


def test_gaps_and_refinements_are_shown(output: Output) -> None:
    page = output.pages["towns/nancheng/beta/score/index.md"]
    assert plain_summary(page) == "23项中21项满分；扣分在：第10项（扣2分）、第16项（扣1分）。"
    assert [a.attrs["href"] for a in tree(page).one("p", "dj-score-plain").find("a")] == ["#item-10", "#item-16"]
    brand = card(page, 10)
    assert (brand.lost, brand.score, brand.mark) == (True, "3/5分", "扣2分")
    assert brand.why == "差距：缺：年终有验收（年终有验收12月1日至次年1月31日内没有记录）"
    service = card(page, 16)  # the 南城 refinement gives 2 points for one condition
    assert (service.lost, service.score, service.mark) == (True, "2/3分", "扣1分")
    assert service.basis.endswith("南城街道细化（南城党工委〔2025〕3号）：参与率达标即得2分"), service.basis
    assert "细化" not in card(page, 15).basis
    assert "../../../../towns/nancheng/beta/#pledge-member-li" in [e.href for e in card(page, 7).evidence]
    alpha = output.pages["towns/nancheng/alpha/score/index.md"]
    assert plain_summary(alpha) == "23项中23项满分。"


def test_board_and_town_pages_link_to_the_score(output: Output) -> None:
    board = output.pages["towns/nancheng/beta/index.md"]
    assert ('<p class="dj-scorecard"><a href="../../../towns/nancheng/beta/score/">'
            '<span class="dj-scorecard-period">2025年下半年考评</span> <strong>97分</strong>'
            ' <span class="dj-scorecard-grade">优秀</span>'
            ' <span class="dj-scorecard-rank">全区第2名（共2个社区）</span></a></p>') in board.splitlines()
    delta = output.pages["towns/beicheng/delta/index.md"]  # never accepted: no score, no link to one
    assert ('<p class="dj-scorecard dj-scorecard-none"><span class="dj-scorecard-period">考评结果</span>'
            ' <strong>尚未验收</strong> <span class="dj-scorecard-rank">验收后在此公布得分和排名</span></p>'
            ) in delta.splitlines()
    assert "score/" not in delta
    town = output.pages["towns/nancheng/index.md"]
    assert 'href="../../towns/nancheng/beta/score/">97</a>（优秀）' in town


def test_ranking_page_ranks_filters_by_town_and_shows_district_targets(output: Output) -> None:
    page = output.pages["ranking/index.md"]
    rows = re.findall(r'<tr><td data-value="(\d+)">\d+</td><td style="white-space: nowrap"><a [^>]*>([^<]+)</a>',
                      page)
    assert rows == [("1", "阿尔法社区"), ("2", "贝塔社区")]
    assert 'href="../ranking/nancheng/">南城街道</a>' in page and 'href="../ranking/beicheng/">' in page
    assert "data-sortable" in page and "<script>" in page
    assert ("<th scope=\"row\">两委班子“交叉任职”</th><td>30%（9/30名两委成员）</td><td>30%以上</td>"
            "<td>达到</td>") in page
    assert "<th scope=\"row\">组织关系在社区的党员参与率</th>" in page and "超过60%" in page
    assert ("<th scope=\"row\">书记、居委会主任“一肩挑”</th><td>100%（3/3个社区）</td><td>每个社区都做到</td>"
            "<td>达到</td>") in page
    assert "尚无验收评分的社区：" in page and "德尔塔社区" in page
    town = output.pages["ranking/nancheng/index.md"]
    assert '<strong aria-current="page">南城街道</strong>' in town and "德尔塔社区" not in town


def test_rubric_page_shows_every_rule_in_plain_chinese(output: Output) -> None:
    rows = parse(output.pages["rubric/index.md"]).rows
    assert len(rows) == 23
    for row_id, (no, text, weight, rule, _note) in rows.items():
        assert no == row_id[5:] and text and weight
        assert rule.startswith(("计算：", "评定：")), rule
    assert rows["item-16"][3] == ("计算：①组织关系在社区的党员参与率超过60%；"
                                  "②考核年度内每个双月（1–2月、3–4月……11–12月）"
                                  "都开展集中服务活动，每两月不少于1次；满足0、1、2项分别得0、1.5、3分")
    assert ("南城街道细化（南城党工委〔2025〕3号）：参与率达标即得2分"
            "（分档：满足0项得0分、满足1项得2分、满足2项得3分）") in rows["item-16"][4]
    assert rows["item-10"][3] == ("计算：同一品牌、同一年度依次核查①年初有计划（1月1日至3月31日）；"
                                  "②半年有检查（6月1日至8月31日）；③年终有验收（12月1日至次年1月31日）；"
                                  "每个环节须在所属时段内，前一环节未做到的，后面的环节不计；"
                                  "满足0、1、2、3个环节分别得0、1.5、3、5分")
    assert "次年1月进行的年终验收属于被验收的年度" in rows["item-10"][4]


def test_honours_page_lists_commendations_with_scores(output: Output) -> None:
    page = output.pages["honours/index.md"]
    assert "## 2025年度先进集体 {#xianjin-2025}" in page
    assert "测组通〔2026〕1号" in page and "2026年2月26日" in page
    assert 'href="../towns/nancheng/alpha/score/">2025年下半年 100分（优秀）</a>' in page
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
