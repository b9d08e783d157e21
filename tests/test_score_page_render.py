"""The score pages' repeated blocks (generator/pages/score_cards.py): rendered once, kept by all they show.

A card is reused for any item that reads the same, so each thing a card shows must be part of its key: two
items differing in one of them get two cards, each showing its own value.  Blocks and pages are rendered with
a mark for the prefix to the site root, which each page replaces with its own; a mark written in the records
is text and stays text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from scoring_util import rendered
from support import FULL_MARKS

from generator import urls
from generator.pages.score_cards import ROOT, ScoreCards, at_root
from generator.pages.scores import helpers
from generator.scoring.rubric import RubricRefinement, load_rubric
from generator.scoring.rules import Evidence, Fact, Window
from generator.scoring.score import CategoryResult, CommunityResult, ItemResult, Points

RUBRIC = load_rubric()[0]
assert RUBRIC is not None
INTERPRETATION = "“一个以上”含一个：考评期末前已创建并公开的党建工作品牌不少于1个。"  # item 12's, in rubric.yml
WINDOW = Window.for_period("2025-H2", dt.date(2025, 1, 1), dt.date(2026, 11, 27))
BRAND = Evidence("党建品牌", "邻里守望,2025-03-01创建", "communities/nancheng/alpha/brands.yml", 4,
                 "brands/alpha-brand/")
PREFIX = "../../../../"  # from towns/<town>/<community>/score/

CARD = (
    '<li class="dj-item dj-item-full" id="item-12">\n'
    '<p class="dj-item-head"><a href="../../../../rubric/items/12/">第12项</a> <strong>5/5分</strong> '
    '<span class="dj-item-mark">满分</span></p>\n'
    '<details class="dj-item-details">'
    '<summary><span class="dj-item-text">社区要有一个以上党建工作品牌</span></summary>\n'
    '<p>已创建品牌：1个</p>\n'
    f'<p>得分方式：计算。{INTERPRETATION}</p>\n'
    '<ul><li><a href="../../../../brands/alpha-brand/">党建品牌</a>：邻里守望，2025-03-01创建 '
    '<small class="dj-source" title="communities/nancheng/alpha/brands.yml:4">（记录：brands.yml:4）</small></li></ul>'
    '</details>\n'
    '</li>\n'
)


def item(**changes: Any) -> ItemResult:
    base = ItemResult(12, 3, "社区要有一个以上党建工作品牌", Points(5), Points(5), "computed", "已创建品牌:1个", "",
                      [BRAND])
    return dataclasses.replace(base, **changes)


def result(i: ItemResult, key: str = "nancheng/alpha", town: str = "南城镇") -> CommunityResult:
    town_id, _ = key.split("/")
    category = CategoryResult(3, "社区党建品牌培育机制", i.score, Points(15))
    return CommunityResult(key, "阿尔法社区", town_id, town, "2025-H2", WINDOW, "2025-12-20", "区考评组", [i],
                           [category], i.score, "优秀")


def cards() -> ScoreCards:
    assert RUBRIC is not None
    return ScoreCards(RUBRIC, helpers())


def test_a_card_is_rendered_with_the_root_mark_and_shown_with_the_page_prefix() -> None:
    blocks = cards()
    text = blocks.card(result(item()), item())
    assert text.count(ROOT) == 2  # the item's page and the evidence's record
    assert at_root(text, PREFIX) == CARD
    twelve = RUBRIC.item(12) if RUBRIC else None
    assert twelve is not None and twelve.interpretation == INTERPRETATION


def test_an_item_that_reads_the_same_is_rendered_once() -> None:
    blocks = cards()
    first = blocks.card(result(item()), item())
    second = blocks.card(result(item(), key="nancheng/beta"), item())  # another community, another result
    assert second is first and blocks.rendered == 1


@pytest.mark.parametrize(("changes", "shown"), [
    ({"score": Points(4), "gap": "未公开品牌"},
     '<strong>4/5分</strong> <span class="dj-item-mark">扣1分</span></p>\n'
     '<p class="dj-item-why"><strong>差距：</strong>未公开品牌</p>\n'),
    ({"score": Points(4)}, '<strong>4/5分</strong> <span class="dj-item-mark">满分</span>'),
    ({"gap": "未公开品牌"}, '<li class="dj-item dj-item-lost" id="item-12">'),
    ({"max": Points(6)}, '<strong>5/6分</strong>'),
    ({"text": "社区要有两个党建工作品牌"}, '<span class="dj-item-text">社区要有两个党建工作品牌</span>'),
    ({"explanation": "已创建品牌:2个"}, "<p>已创建品牌：2个</p>"),
    ({"note": "验收组的评分未采用"}, "<p>已创建品牌：1个（验收组的评分未采用）</p>"),
    ({"basis": "overridden"}, f"<p>得分方式：改判。{INTERPRETATION}</p>"),
    ({"evidence": [dataclasses.replace(BRAND, value="红色驿站")]}, '党建品牌</a>：红色驿站 <small'),
    ({"evidence": [dataclasses.replace(BRAND, label="品牌")]}, '<a href="../../../../brands/alpha-brand/">品牌</a>'),
    ({"evidence": [dataclasses.replace(BRAND, line=9)]},
     'title="communities/nancheng/alpha/brands.yml:9">（记录：brands.yml:9）'),
    ({"evidence": [dataclasses.replace(BRAND, source="communities/nancheng/beta/brands.yml")]},
     'title="communities/nancheng/beta/brands.yml:4">（记录：brands.yml:4）'),
    ({"evidence": [dataclasses.replace(BRAND, url="brands/beta-brand/")]}, '<a href="../../../../brands/beta-brand/">'),
    ({"evidence": [BRAND, dataclasses.replace(BRAND, line=5)]}, "brands.yml:4）</small></li><li><a href="),
    ({"evidence": [], "facts": [Fact("brands", "党建品牌", 0, "0个", missing="没有已公开的党建品牌")]},
     "</p>\n<p>没有已公开的党建品牌</p></details>"),
    ({"evidence": []}, "</p>\n<p>没有相关的公开记录</p></details>"),
])
def test_each_thing_a_card_shows_makes_its_own_card(changes: dict[str, Any], shown: str) -> None:
    blocks = cards()
    base = at_root(blocks.card(result(item()), item()), PREFIX)
    changed = item(**changes)
    text = at_root(blocks.card(result(changed), changed), PREFIX)
    assert blocks.rendered == 2
    assert shown in text and shown not in base
    assert base == CARD


def test_the_town_is_part_of_a_card_only_with_its_refinement() -> None:
    blocks = cards()
    plain = blocks.card(result(item(), town="南城镇"), item())
    assert blocks.card(result(item(), key="beicheng/delta", town="北城镇"), item()) is plain
    refined = item(refinement=RubricRefinement(town="nancheng", item=12, note="两个品牌得满分:另加1分",
                                               document_no="南城党工委〔2025〕3号"))
    south = at_root(blocks.card(result(refined, town="南城镇"), refined), PREFIX)
    north = at_root(blocks.card(result(refined, key="beicheng/delta", town="北城镇"), refined), PREFIX)
    assert blocks.rendered == 3
    assert (f"<p>得分方式：计算。{INTERPRETATION}<br><strong>南城镇细化（南城党工委〔2025〕3号）</strong>："
            "两个品牌得满分：另加1分</p>") in south
    assert "<br><strong>北城镇细化（南城党工委〔2025〕3号）</strong>" in north


def test_the_root_mark_written_in_a_record_is_text() -> None:
    blocks = cards()
    tricky = item(gap=f"见{ROOT}", evidence=[dataclasses.replace(BRAND, label=str(ROOT), value="{{ root }}")])
    text = at_root(blocks.card(result(tricky), tricky), PREFIX)
    assert '<strong>差距：</strong>见&lt;&#34;root&#34;&gt;</p>' in text
    assert ('<li><a href="../../../../brands/alpha-brand/">&lt;&#34;root&#34;&gt;</a>：&#123;&#123; root &#125;&#125; '
            in text)
    assert ROOT not in text


def test_category_blocks_are_shared_by_results_with_the_same_numbers() -> None:
    blocks = cards()
    first = blocks.categories(result(item()))
    other = item(gap="未公开品牌", evidence=[])
    second = blocks.categories(result(other, key="nancheng/beta"))
    assert [c.row for c in first] == ['<tr><th scope="row"><a href="#category-3">社区党建品牌培育机制</a></th>'
                                      '<td>5</td><td>15</td></tr>']
    assert [c.heading for c in first] == ["### 社区党建品牌培育机制（5/15分） {#category-3}"]
    assert second[0].row is first[0].row and second[0].heading is first[0].heading
    assert at_root(first[0].cards, PREFIX) == CARD and second[0].cards != first[0].cards
    lower = blocks.categories(result(item(score=Points(4))))
    assert lower[0].heading == "### 社区党建品牌培育机制（4/15分） {#category-3}"


def test_the_latest_result_shows_the_same_on_both_of_its_pages() -> None:
    """score/ and score/<period>/ of the latest result differ only in the prefix to the site root."""
    output = rendered(FULL_MARKS).output
    assert output is not None
    pages = {p: t for p, t in output.pages.items() if "/score/" in p}
    latest = [p for p in pages if p.endswith("/score/index.md")]
    assert latest
    for page in latest:
        history = sorted(p for p in pages if p.startswith(page.removesuffix("index.md")) and p != page)
        assert history, page
        newest = history[-1]  # score/<period>/index.md of the newest period
        here, there = urls.root_prefix(page), urls.root_prefix(newest)
        assert pages[page].split(here) == pages[newest].split(there)
        assert pages[page].count(here) > 20
    assert not any(ROOT in text for text in output.pages.values())
