"""Rule kinds of the rubric, one small module each, plus the metrics they read.

``evaluate`` scores a computed item; assessed items go through
:func:`generator.rules.assessed.evaluate_assessed` with the inspector's mark.
"""

from __future__ import annotations

from fractions import Fraction

from generator.scoring.rules.assessed import GivenMark, evaluate_assessed
from generator.scoring.rules.base import EvalContext, Evidence, Fact, Outcome, Window
from generator.scoring.rules.checklist import evaluate_checklist
from generator.scoring.rules.combination import evaluate_combination, evaluate_condition
from generator.scoring.rules.sequence import evaluate_sequence
from generator.scoring.rules.spec import AssessedRule, CombinationRule, Rule, SequenceRule

__all__ = ["EvalContext", "Evidence", "Fact", "GivenMark", "Outcome", "Window", "evaluate", "evaluate_assessed",
           "evaluate_checklist"]


def evaluate(rule: Rule, ctx: EvalContext, weight: Fraction, given: GivenMark | None = None) -> Outcome:
    if isinstance(rule, AssessedRule):
        return evaluate_assessed(rule, ctx, weight, given)
    if isinstance(rule, CombinationRule):
        return evaluate_combination(rule, ctx, weight)
    if isinstance(rule, SequenceRule):
        return evaluate_sequence(rule, ctx, weight)
    return evaluate_condition(rule, ctx, weight)
