"""Sequence rules: "年初有计划,半年有检查,年终有验收" — one brand's same year, stage by stage, in order.

The year assessed is the calendar year of the period's end (2025-H1 and 2025-H2 both assess 2025).  Each
stage must be recorded within its own part of that year; the windows are data (``stages[].start``/``end``
in the rubric), and since the rubric check keeps them in order and apart, stages in their windows are in
order.  A year-end review dated early the next year, inside its window, belongs to the year it reviews.

Stages count in order: a stage counts only when every stage before it counted.  A stage is *not yet due*
when its window starts after the period's end (the year-end review in a first-half period) or has not
ended by the build date and nothing is recorded; a not-yet-due stage is not held against a year whose
earlier stages are done, but a year with no stage done yet earns nothing.  With several brands, the
brand-year that gets furthest is scored; stages of different brands are never combined.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from generator.records.schema import Brand, BrandYear, ReviewEntry
from generator.scoring.rules.base import EvalContext, Evidence, Fact, Outcome, Window
from generator.scoring.rules.checklist import stepped
from generator.scoring.rules.sources import board, evidence
from generator.scoring.rules.spec import SequenceRule, Stage

DONE, LATER, MISSING, OUTSIDE = "done", "later", "missing", "outside"


def window_text(stage: Stage, year: int = 2001) -> str:
    """``1月1日至3月31日``; ``12月1日至次年1月31日``."""
    start, end = stage.bounds(year)
    return f"{start.month}月{start.day}日至{'次年' if stage.end_next_year else ''}{end.month}月{end.day}日"


@dataclass(frozen=True)
class Step:
    stage: Stage
    status: str  # DONE | LATER | MISSING | OUTSIDE
    entry: ReviewEntry | None


def steps_of(rule: SequenceRule, record: BrandYear | None, year: int, w: Window) -> list[Step]:
    out = []
    for stage in rule.stages:
        start, end = stage.bounds(year)
        entry = getattr(record, stage.stage) if record is not None else None
        if entry is not None and entry.date > w.as_of:
            entry = None  # dated after the build date: not yet done
        if start > w.period_end:
            status = LATER  # belongs to a later period of the year
        elif entry is not None:
            status = DONE if start <= entry.date <= end else OUTSIDE
        else:
            status = LATER if end > w.as_of else MISSING
        out.append(Step(stage, status, entry))
    return out


def counted(steps: list[Step]) -> int:
    """How many stages count, in order: done ones, and not-yet-due ones after a done one."""
    n = 0
    for s in steps:
        if s.status == DONE or (s.status == LATER and n > 0):
            n += 1
        else:
            break
    return n


def _mark(s: Step, counts: bool) -> str:
    label = s.stage.label
    if s.status == DONE:
        day = s.entry.date.isoformat() if s.entry else ""
        return f"✓{label}({day})" if counts else f"✗{label}({day},前一环节未做到,不计)"
    if s.status == LATER:
        return f"—{label}(未到期,不计)"
    if s.status == OUTSIDE and s.entry is not None:
        return f"✗{label}({s.entry.date.isoformat()}不在{window_text(s.stage)}内)"
    return f"✗{label}(没有记录)"


def _reason(s: Step) -> str:
    if s.status == LATER:
        return "尚未到期"
    if s.status == OUTSIDE and s.entry is not None:
        return f"记录日期{s.entry.date.isoformat()}不在{window_text(s.stage)}内"
    if s.status == MISSING:
        return f"{window_text(s.stage)}内没有记录"
    return "前一环节未做到"


def evaluate_sequence(rule: SequenceRule, ctx: EvalContext, weight: Fraction) -> Outcome:
    w = ctx.window
    year = w.period_end.year
    candidates: list[tuple[Brand | None, list[Step]]] = [
        (b, steps_of(rule, y, year, w)) for b in ctx.community.brands.brands for y in b.years if y.year == year]
    if not candidates:
        candidates = [(None, steps_of(rule, None, year, w))]
    brand, steps = max(candidates, key=lambda c: (counted(c[1]), sum(s.status == DONE for s in c[1])))
    n = counted(steps)
    total = len(steps)
    head = f"{brand.name}·{year}年" if brand else f"{year}年没有党建品牌的年度记录"
    explanation = f"{head}:按顺序做到{n}/{total}个环节:" + ";".join(_mark(s, i < n) for i, s in enumerate(steps))
    gap = ""
    if n < total:
        rest = steps[n:]
        gap = "缺:" + "、".join(s.stage.label for s in rest) + f"({rest[0].stage.label}{_reason(rest[0])}"
        if len(rest) > 1:
            gap += ";同一品牌同一年度按顺序认定,前一环节未做到的,后面的环节不计"
        gap += ")"
    facts = [_fact(ctx, brand, year, s, i < n, i == 0) for i, s in enumerate(steps)]
    return Outcome(n == total, stepped(rule.steps, n, n == total, weight), explanation, gap, facts, n, total)


def _fact(ctx: EvalContext, brand: Brand | None, year: int, s: Step, counts: bool, first: bool) -> Fact:
    c = ctx.community
    ev: list[Evidence] = []
    if brand is not None and s.entry is not None:
        ev = [evidence(c, f"{brand.name}·{year}年{s.stage.label}", f"{s.entry.date.isoformat()} {s.entry.summary}",
                       s.entry, "brands.yml", board(c, "brands"))]
    if brand is None:
        missing = f"没有{year}年党建品牌的年度计划、检查、验收记录" if first else ""
    else:
        missing = f"没有{year}年“{s.stage.label}”的记录" if s.status == MISSING else ""
    return Fact(f"brand_{s.stage.stage}", s.stage.label, counts, "是" if counts else "否", "", ev,
                applicable=s.status != LATER, missing=missing)
