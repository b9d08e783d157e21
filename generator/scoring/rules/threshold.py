"""Threshold rules: a computed metric compared with a number (以上/不少于/超过 …)."""

from __future__ import annotations

from fractions import Fraction

from generator.scoring.rules.base import EvalContext, Fact, Outcome
from generator.scoring.rules.compare import compare, fmt_amount, needed, phrase
from generator.scoring.rules.metrics import METRICS, compute
from generator.scoring.rules.spec import ThresholdRule, exact


def target_phrase(rule: ThresholdRule) -> str:
    return phrase(rule.comparator, fmt_amount(exact(rule.value), METRICS[rule.metric].unit))


def evaluate_threshold(rule: ThresholdRule, ctx: EvalContext, weight: Fraction) -> Outcome:
    fact = compute(rule.metric, ctx, rule.activity_types, rule.label)
    target = exact(rule.value)
    ph = target_phrase(rule)
    if fact.value is None:
        note = fact.missing or "没有记录"
        return Outcome(False, Fraction(0), f"{fact.label}:{note},不能认定“{ph}”", f"补充记录,使{fact.label}{ph}",
                       [fact], 0, 1)
    if fact.per_unit:
        return _each(rule, fact, weight, ph)
    value = Fraction(fact.value)
    met = compare(rule.comparator, value, target)
    verdict = "符合" if met else "不符合"
    explanation = f"{fact.label}{fact.display},{verdict}“{ph}”"
    return Outcome(met, weight if met else Fraction(0), explanation, "" if met else _gap(rule, fact, value, ph),
                   [fact], int(met), 1)


def _gap(rule: ThresholdRule, fact: Fact, value: Fraction, ph: str) -> str:
    target = exact(rule.value)
    if fact.unit == "%" and fact.denominator:
        n = needed(rule.comparator, target, fact.denominator)
        if n is not None:
            return f"需{ph}:按{fact.denominator}人计至少需{n}人(目前{fact.numerator}人)"
        return f"需{ph}"
    if rule.comparator in ("以上", "不少于", "达到") and value < target:
        return f"需{ph},还差{fmt_amount(target - value, fact.unit)}"
    return f"需{ph}"


def _each(rule: ThresholdRule, fact: Fact, weight: Fraction, ph: str) -> Outcome:
    """A fact held by each of several units (each cadre): met only if every one of them meets the threshold."""
    target = exact(rule.value)
    short = [(who, v) for who, v in fact.per_unit if not compare(rule.comparator, v, target)]
    met = not short
    counter, noun = fact.units
    n = len(fact.per_unit)
    least = fmt_amount(Fraction(fact.value or 0), fact.unit)
    if met:
        return Outcome(True, weight, f"{fact.label}:{n}{counter}{noun}均达到“{ph}”(最少{least})", "", [fact], 1, 1)
    who = f"{n}{counter}{noun}均" if len(short) == n else f"{n}{counter}{noun}中{len(short)}{counter}"
    explanation = f"{fact.label}:{who}未达到“{ph}”(最少{least}),不符合"
    if rule.comparator in ("以上", "不少于", "达到"):
        detail = "、".join(f"{who}还差{fmt_amount(target - v, fact.unit)}" for who, v in short)
    else:
        detail = "、".join(who for who, _ in short) + "未达到"
    return Outcome(False, Fraction(0), explanation, f"需每{counter}{noun}{ph}:{detail}", [fact], 0, 1)
