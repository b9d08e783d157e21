"""Assessed rules: a mark (0 to the item's weight) given by the acceptance inspection team."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from generator.scoring.rules.base import EvalContext, Outcome
from generator.scoring.rules.compare import fmt_number
from generator.scoring.rules.metrics import compute
from generator.scoring.rules.spec import AssessedRule


@dataclass(frozen=True)
class GivenMark:
    """An inspector's mark as used for scoring (already checked against the weight)."""

    score: Fraction
    comment: str
    override_reason: str | None
    source: str
    line: int


def evaluate_assessed(rule: AssessedRule, ctx: EvalContext, weight: Fraction, given: GivenMark | None) -> Outcome:
    facts = [compute(f.metric, ctx, f.activity_types, f.label) for f in rule.evidence]
    if given is None:
        return Outcome(False, Fraction(0), "验收组尚未评定", "待验收组评定", facts)
    gap = "" if given.score >= weight else f"距满分差{fmt_number(weight - given.score)}分,扣分理由见验收评语"
    return Outcome(given.score >= weight, given.score, f"验收组评定{fmt_number(given.score)}分:{given.comment}",
                   gap, facts)
