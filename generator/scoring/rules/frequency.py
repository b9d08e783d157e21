"""Per-period frequency rules: "每两月不少于1次" = every two-month window has at least one event.

The windows are the fixed two-month windows of the calendar (1–2月, 3–4月, …
11–12月) that lie in the 12-month assessment window.  A window that lies
wholly before the community's cycle began is not counted; a window that has
not ended by the build date and has no event yet is "not yet due".  With no
window ended yet the rule is *not yet assessable*: it is not met and scores
nothing (an empty year is never full marks), and the page says so.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from generator.records.periods import bimonths
from generator.scoring.rules.base import EvalContext, Evidence, Fact, Outcome
from generator.scoring.rules.compare import compare, phrase
from generator.scoring.rules.metrics_records import activities, activity_ev
from generator.scoring.rules.spec import FrequencyRule


def window_label(start: dt.date, end: dt.date) -> str:
    return f"{start.year}年{start.month}–{end.month}月"


def rule_phrase(rule: FrequencyRule) -> str:
    return "每两月" + phrase(rule.comparator, f"{rule.value}次")


def evaluate_frequency(rule: FrequencyRule, ctx: EvalContext, weight: Fraction) -> Outcome:
    w = ctx.window
    events = activities(ctx, rule.activity_types)
    counted: list[tuple[str, int]] = []
    pending: list[str] = []
    evidence: list[Evidence] = []
    still_open: list[str] = []  # windows not over by the build date
    for year in range(w.year_start.year, w.period_end.year + 1):
        for start, end in bimonths(year):
            if start < w.year_start or end > w.period_end or end < w.start:
                continue
            label = window_label(start, end)
            inside = [a for a in events if start <= a.date <= end]
            ok = compare(rule.comparator, Fraction(len(inside)), Fraction(rule.value))
            if end > w.end:
                still_open.append(label)
                if not ok:
                    pending.append(label)
                    continue
            counted.append((label, len(inside)))
            evidence.extend(activity_ev(ctx, a, f"({label})") for a in inside[:2])
    ph = rule_phrase(rule)
    if len(still_open) == len(counted) + len(pending):  # no window has ended (or there is none)
        return _not_yet_assessable(rule, ph, still_open, evidence)
    good = [label for label, n in counted if compare(rule.comparator, Fraction(n), Fraction(rule.value))]
    bad = [label for label, n in counted if label not in good]
    met = not bad
    reached = "有活动" if rule.value == 1 else "达到"
    explanation = f"{rule.label}:{len(counted)}个双月中{len(good)}个{reached},{'符合' if met else '未达到'}“{ph}”"
    if pending:
        explanation += f"({'、'.join(pending)}尚未结束,不计)"
    if w.start > w.year_start:
        explanation += "(项目周期开始前的双月不计)"
    fact = Fact("frequency", rule.label, len(good), f"{len(good)}/{len(counted)}个双月", "个", evidence)
    gap = "" if met else f"缺少{rule.label}的双月:{'、'.join(bad)}"
    return Outcome(met, weight if met else Fraction(0), explanation, gap, [fact], int(met), 1)


def _not_yet_assessable(rule: FrequencyRule, ph: str, still_open: list[str], evidence: list[Evidence]) -> Outcome:
    """No two-month window has ended yet: nothing to assess, so no marks (never full marks for an empty year)."""
    note = f"尚无已结束的双月({still_open[0]}尚未结束)" if still_open else "考评期内没有可计算的双月"
    explanation = f"{rule.label}:{note},暂不能评定是否“{ph}”,本项条件暂不得分"
    gap = f"暂不能评定:待{still_open[0]}结束后按“{ph}”计算" if still_open else f"暂不能评定“{ph}”"
    fact = Fact("frequency", rule.label, None, "暂不能评定", "个", evidence, missing=note)
    return Outcome(False, Fraction(0), explanation, gap, [fact], 0, 1)
