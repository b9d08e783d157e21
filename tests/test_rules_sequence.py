"""Item 10 "年初有计划,半年有检查,年终有验收": one brand's same year, in order, each stage within its part of the
year (windows from the rubric: plan 1 Jan–31 Mar, check 1 Jun–31 Aug, acceptance 1 Dec–31 Jan next year)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from fractions import Fraction
from pathlib import Path

from scoring_util import alpha, ctx

from generator.records.model import Community
from generator.records.schema import Brand, BrandYear, ReviewEntry
from generator.scoring.rubric import RUBRIC_FILE, load_rubric
from generator.scoring.rules import Outcome, evaluate

RUBRIC, _ = load_rubric()
assert RUBRIC is not None
ITEM = RUBRIC.item(10)
assert ITEM is not None


def score(c: Community, period: str = "2025-H2", as_of: dt.date | None = None) -> Outcome:
    assert ITEM is not None
    return evaluate(ITEM.rule, ctx(c, period) if as_of is None else ctx(c, period, as_of), ITEM.max)


def entry(day: str, summary: str = "记录") -> ReviewEntry:
    return ReviewEntry(date=dt.date.fromisoformat(day), summary=summary)


def year(y: int, plan: str | None = None, midyear: str | None = None, yearend: str | None = None) -> BrandYear:
    return BrandYear(year=y, plan=entry(plan) if plan else None, midyear=entry(midyear) if midyear else None,
                     yearend=entry(yearend) if yearend else None)


def with_brands(c: Community, *years: tuple[str, list[BrandYear]]) -> Community:
    base = c.brands.brands[0]
    brands: list[Brand] = [base.model_copy(update={"id": f"brand-{i}", "name": name, "years": ys})
                           for i, (name, ys) in enumerate(years)]
    return dataclasses.replace(c, brands=c.brands.model_copy(update={"brands": brands}))


def test_plan_check_and_acceptance_of_one_brand_in_their_windows_score_full_marks() -> None:
    out = score(alpha())
    assert (out.met, out.score, out.gap) == (True, 5, "")
    assert out.explanation == ("阿尔法红色驿站·2025年:按顺序做到3/3个环节:✓年初有计划(2025-01-20);"
                               "✓半年有检查(2025-06-25);✓年终有验收(2025-12-20)")
    assert [e.label for e in out.evidence] == ["阿尔法红色驿站·2025年年初有计划", "阿尔法红色驿站·2025年半年有检查",
                                               "阿尔法红色驿站·2025年年终有验收"]


def test_stages_of_different_brands_are_never_combined() -> None:
    """A plan and a check for one brand, an acceptance for another: 2 stages of one brand, not 3."""
    c = with_brands(alpha(), ("甲品牌", [year(2025, "2025-01-20", "2025-06-25")]),
                    ("乙品牌", [year(2025, yearend="2025-12-20")]))
    out = score(c)
    assert (out.met, out.score) == (False, 3)
    assert out.explanation == ("甲品牌·2025年:按顺序做到2/3个环节:✓年初有计划(2025-01-20);✓半年有检查(2025-06-25);"
                               "✗年终有验收(没有记录)")
    assert out.gap == "缺:年终有验收(年终有验收12月1日至次年1月31日内没有记录)"


def test_a_stage_outside_its_part_of_the_year_breaks_the_sequence() -> None:
    """A "plan" in April is no 年初 plan; the check and acceptance after it do not count either."""
    c = with_brands(alpha(), ("甲品牌", [year(2025, "2025-04-15", "2025-06-25", "2025-12-20")]))
    out = score(c)
    assert (out.met, out.score) == (False, 0)
    assert out.explanation == ("甲品牌·2025年:按顺序做到0/3个环节:✗年初有计划(2025-04-15不在1月1日至3月31日内);"
                               "✗半年有检查(2025-06-25,前一环节未做到,不计);✗年终有验收(2025-12-20,前一环节未做到,不计)")
    assert out.gap == ("缺:年初有计划、半年有检查、年终有验收(年初有计划记录日期2025-04-15不在1月1日至3月31日内;"
                       "同一品牌同一年度按顺序认定,前一环节未做到的,后面的环节不计)")


def test_a_year_end_acceptance_dated_early_the_next_year_belongs_to_the_year_it_accepts() -> None:
    c = with_brands(alpha(), ("甲品牌", [year(2025, "2025-01-20", "2025-06-25", "2026-01-15"),
                                         year(2026, "2026-02-10")]))
    out = score(c)
    assert (out.met, out.score) == (True, 5)
    assert out.explanation.endswith("✓年终有验收(2026-01-15)")
    late = with_brands(alpha(), ("甲品牌", [year(2025, "2025-01-20", "2025-06-25", "2026-02-15")]))
    assert score(late).explanation.endswith("✗年终有验收(2026-02-15不在12月1日至次年1月31日内)")


def test_a_first_half_year_counts_plan_and_check_and_the_acceptance_is_not_due() -> None:
    """2026-H1: the mid-year check (July) belongs to the half-year it checks; the acceptance is not due yet."""
    c = with_brands(alpha(), ("甲品牌", [year(2026, "2026-02-10", "2026-07-08")]))
    out = score(c, "2026-H1")
    assert (out.score, out.gap) == (5, "")
    assert out.explanation == ("甲品牌·2026年:按顺序做到3/3个环节:✓年初有计划(2026-02-10);✓半年有检查(2026-07-08);"
                               "—年终有验收(未到期,不计)")


def test_a_year_with_no_stage_done_earns_nothing_even_when_the_acceptance_is_not_due() -> None:
    out = score(alpha(), "2026-H1")  # alpha has no 2026 records
    assert (out.score, out.parts_met) == (0, 0)
    assert out.explanation == ("2026年没有党建品牌的年度记录:按顺序做到0/3个环节:✗年初有计划(没有记录);"
                               "✗半年有检查(没有记录);—年终有验收(未到期,不计)")
    assert [f.missing for f in out.facts] == ["没有2026年党建品牌的年度计划、检查、验收记录", "", ""]
    early = score(alpha(), "2026-H1", as_of=dt.date(2026, 2, 10))  # the plan window is still open
    assert (early.score, early.gap) == (0, "缺:年初有计划、半年有检查、年终有验收(年初有计划尚未到期;同一品牌同一年度"
                                           "按顺序认定,前一环节未做到的,后面的环节不计)")


def test_partial_credit_counts_only_the_stages_done_in_order() -> None:
    """A plan and an acceptance without the mid-year check: 1 stage in order (1.5 points), not 2 (3 points)."""
    c = with_brands(alpha(), ("甲品牌", [year(2025, "2025-01-20", yearend="2025-12-20")]))
    out = score(c)
    assert (out.score, out.parts_met) == (Fraction(3, 2), 1)
    assert out.explanation.endswith("✗半年有检查(没有记录);✗年终有验收(2025-12-20,前一环节未做到,不计)")


TEXT = RUBRIC_FILE.read_text(encoding="utf-8")


def _load(tmp_path: Path, text: str) -> list[str]:
    file = tmp_path / "rubric.yml"
    file.write_text(text, encoding="utf-8")
    rubric, log = load_rubric(file, "rubric.yml")
    assert rubric is None
    return [str(e) for e in log]


def test_overlapping_stage_windows_are_refused(tmp_path: Path) -> None:
    text = TEXT.replace("start: '06-01', end: '08-31'", "start: '03-15', end: '08-31'")
    line = text[: text.index("start: '03-15'")].count("\n") + 1
    assert _load(tmp_path, text) == [
        f"rubric.yml:{line}: 类别[2].细则项目[0].评分规则.阶段[1].开始日期(start): 各阶段须按顺序排列且不能重叠："
        "本阶段从 03-15 开始，早于上一阶段结束（提示：后一阶段的时段应在前一阶段结束以后开始）"]


def test_a_stage_window_on_a_day_not_in_every_year_is_refused(tmp_path: Path) -> None:
    text = TEXT.replace("start: '01-01', end: '03-31'", "start: '01-01', end: '02-29'")
    line = text[: text.index("end: '02-29'")].count("\n") + 1
    assert _load(tmp_path, text) == [
        f"rubric.yml:{line}: 类别[2].细则项目[0].评分规则.阶段[0].结束日期(end): 02-29 不是每年都有的日期"
        "（提示：写成 月-日，例如 03-31；不能用 2月29日）"]
