"""Checklist rules: several facts that must be present (all of them, or any one)."""

from __future__ import annotations

from fractions import Fraction

from generator.scoring.rules.base import EvalContext, Fact, Outcome
from generator.scoring.rules.metrics import compute
from generator.scoring.rules.spec import ChecklistRule, exact


def facts_of(rule: ChecklistRule, ctx: EvalContext) -> list[Fact]:
    return [compute(f.metric, ctx, f.activity_types, f.label) for f in rule.facts]


def mark(fact: Fact) -> str:
    if not fact.applicable:
        return f"—{fact.label}(未到期,不计)"
    return ("✓" if fact.present else "✗") + fact.label


def stepped(steps: list[float] | None, met_count: int, met: bool, weight: Fraction) -> Fraction:
    """Partial credit: ``steps[k]`` when k conditions are met; otherwise all or nothing."""
    if steps is not None:
        return exact(steps[met_count])
    return weight if met else Fraction(0)


def evaluate_checklist(rule: ChecklistRule, ctx: EvalContext, weight: Fraction) -> Outcome:
    facts = facts_of(rule, ctx)
    met_count = sum(1 for f in facts if f.present)
    met = met_count == len(facts) if rule.mode == "all" else met_count > 0
    if len(facts) == 1 and rule.steps is None:
        f = facts[0]
        head = f"{f.label}:{'不适用' if not f.applicable else ('是' if f.present else '否')}"
        gap = "" if met else f"需{f.label}" + (f"({f.missing})" if f.missing else "")
        return Outcome(met, stepped(rule.steps, met_count, met, weight), head, gap, facts, met_count, 1)
    head = f"满足{met_count}/{len(facts)}项" if rule.mode == "all" else ("满足其一" if met else "一项也未满足")
    explanation = f"{head}:" + ";".join(mark(f) for f in facts)
    missing = [f for f in facts if not f.present]
    gap = ""
    if not met or (rule.mode == "all" and missing):
        words = "、".join(f.label for f in missing)
        gap = f"缺:{words}" if rule.mode == "all" else f"需做到其一:{words}"
        notes = [f.missing for f in missing if f.missing]
        if notes:
            gap += "(" + ";".join(notes) + ")"
    return Outcome(met, stepped(rule.steps, met_count, met, weight), explanation, gap, facts, met_count, len(facts))
