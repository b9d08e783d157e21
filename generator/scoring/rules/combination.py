"""Combination rules: all of several computed conditions, with partial-credit steps."""

from __future__ import annotations

from fractions import Fraction

from generator.scoring.rules.base import EvalContext, Outcome
from generator.scoring.rules.checklist import evaluate_checklist, stepped
from generator.scoring.rules.frequency import evaluate_frequency
from generator.scoring.rules.spec import ChecklistRule, CombinationRule, Condition, FrequencyRule
from generator.scoring.rules.threshold import evaluate_threshold


def evaluate_condition(rule: Condition, ctx: EvalContext, weight: Fraction) -> Outcome:
    if isinstance(rule, ChecklistRule):
        return evaluate_checklist(rule, ctx, weight)
    if isinstance(rule, FrequencyRule):
        return evaluate_frequency(rule, ctx, weight)
    return evaluate_threshold(rule, ctx, weight)


def evaluate_combination(rule: CombinationRule, ctx: EvalContext, weight: Fraction) -> Outcome:
    parts = [evaluate_condition(p, ctx, Fraction(1)) for p in rule.parts]
    met_count = sum(1 for p in parts if p.met)
    met = met_count == len(parts)
    lines = [f"{'①②③④⑤⑥⑦⑧⑨'[i]}{p.explanation}" for i, p in enumerate(parts)]
    explanation = ";".join(lines) + f"。{len(parts)}项条件满足{met_count}项"
    gap = ";".join(p.gap for p in parts if p.gap)
    facts = [f for p in parts for f in p.facts]
    return Outcome(met, stepped(rule.steps, met_count, met, weight), explanation, gap, facts, met_count, len(parts))
