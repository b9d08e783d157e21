"""Each rule in plain Chinese, for the rubric page and the open data."""

from __future__ import annotations

from fractions import Fraction

from generator.scoring.rules.compare import fmt_number
from generator.scoring.rules.frequency import rule_phrase
from generator.scoring.rules.metrics import METRICS, types_label
from generator.scoring.rules.sequence import window_text
from generator.scoring.rules.spec import (
    AssessedRule,
    ChecklistRule,
    CombinationRule,
    FactRef,
    FrequencyRule,
    Rule,
    SequenceRule,
    ThresholdRule,
    exact,
)
from generator.scoring.rules.threshold import target_phrase

CIRCLED = "①②③④⑤⑥⑦⑧⑨"


def fact_label(f: FactRef) -> str:
    if f.label:
        return f.label
    if f.activity_types:
        return f"开展{types_label(f.activity_types)}活动"
    return METRICS[f.metric].label


def condition_text(rule: ThresholdRule | ChecklistRule | FrequencyRule) -> str:
    if isinstance(rule, ThresholdRule):
        label = rule.label or METRICS[rule.metric].label
        return f"{label}{target_phrase(rule)}"
    if isinstance(rule, FrequencyRule):
        return f"考核年度内每个双月(1–2月、3–4月……11–12月)都开展{rule.label},{rule_phrase(rule)}"
    labels = [fact_label(f) for f in rule.facts]
    if len(labels) == 1:
        return labels[0]
    joined = "、".join(labels)
    return f"{joined}(全部做到)" if rule.mode == "all" else f"{joined}(做到其一)"


def steps_text(steps: list[float] | None, weight: Fraction, count: int, what: str = "项") -> str:
    if steps is None:
        return f"全部满足得{fmt_number(weight)}分,否则不得分"
    counts = "、".join(str(k) for k in range(count + 1))
    scores = "、".join(fmt_number(exact(s)) for s in steps)
    return f"满足{counts}{what}分别得{scores}分"


def describe_rule(rule: Rule, weight: Fraction) -> str:
    w = fmt_number(weight)
    if isinstance(rule, AssessedRule):
        return f"评定:由验收组实地检查,给出0–{w}分并写明评语"
    if isinstance(rule, CombinationRule):
        parts = "".join(f"{CIRCLED[i]}{condition_text(p)};" for i, p in enumerate(rule.parts))
        return f"计算:{parts}{steps_text(rule.steps, weight, len(rule.parts))}"
    if isinstance(rule, SequenceRule):
        stages = "".join(f"{CIRCLED[i]}{st.label}({window_text(st)});" for i, st in enumerate(rule.stages))
        return (f"计算:同一品牌、同一年度依次核查{stages}每个环节须在所属时段内,前一环节未做到的,后面的环节不计;"
                f"{steps_text(rule.steps, weight, len(rule.stages), '个环节')}")
    if isinstance(rule, ChecklistRule) and len(rule.facts) > 1:
        facts = "".join(f"{CIRCLED[i]}{fact_label(f)};" for i, f in enumerate(rule.facts))
        if rule.mode == "any":
            return f"计算:核查{facts}做到其中任一项得{w}分"
        return f"计算:核查{facts}{steps_text(rule.steps, weight, len(rule.facts))}"
    return f"计算:{condition_text(rule)},符合得{w}分,否则不得分"
