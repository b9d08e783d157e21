"""The rubric (考评细则) as data: load ``data/rubric.yml``, check it, apply town refinements.

A rubric whose weights do not add up is refused with a located error, so a
typo in the data cannot silently change what 100 points mean.  Towns may
refine a rule ("各镇(街道)要进一步细化考评细则") through ``rubric_refinements``
in ``site_config.yml``: partial-credit steps and extra evidence, never items
or weights; every refinement is shown on the site.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationError

from generator.errors import ErrorLog
from generator.messages import Msg, join, msg
from generator.records.messages import validation_errors
from generator.records.schema import LongText, Record, Slug, Text
from generator.records.yamlio import PathKey, YamlDoc, read_yaml
from generator.scoring.rules.compare import fmt_number
from generator.scoring.rules.metrics import METRICS
from generator.scoring.rules.spec import (
    AssessedRule,
    ChecklistRule,
    CombinationRule,
    FactRef,
    FrequencyRule,
    Number,
    Rule,
    SequenceRule,
    ThresholdRule,
    exact,
    one_decimal,
)

ItemNo = Annotated[int, Field(ge=1, le=99)]
RUBRIC_FILE = Path(__file__).resolve().parents[1] / "data" / "rubric.yml"


class RubricItem(Record):
    no: ItemNo
    weight: Annotated[float, Field(gt=0, le=100)]
    text: LongText = Field(description="细则原文")
    interpretation: LongText | None = Field(None, description="本系统如何理解和计算本项")
    rule: Rule

    @property
    def max(self) -> Fraction:
        return exact(self.weight)

    @property
    def assessed(self) -> bool:
        return isinstance(self.rule, AssessedRule)

    @property
    def basis(self) -> str:
        return "assessed" if self.assessed else "computed"


class RubricCategory(Record):
    no: ItemNo
    name: Text
    short_name: Text | None = Field(None, description="图表和排名表用的简称")
    weight: Annotated[float, Field(gt=0, le=100)]
    items: list[RubricItem] = Field(min_length=1)

    @property
    def short(self) -> str:
        return self.short_name or self.name

    @property
    def max(self) -> Fraction:
        return exact(self.weight)


class RubricFile(Record):
    title: Text
    source: Text
    total: Annotated[float, Field(gt=0, le=1000)]
    categories: list[RubricCategory] = Field(min_length=1)


class RubricRefinement(Record):
    """A town's refinement of one item (shown on the rubric and score pages)."""

    town: Slug = Field(description="镇(街道) id")
    item: ItemNo = Field(description="考评细则序号")
    note: Text = Field(description="细化说明, 在网站上公示")
    document_no: Text | None = Field(None, description="镇(街道)细则文号")
    steps: list[Number] | None = Field(None, description="满足 0、1、2…项条件时的得分 (最后一项须等于权重)")
    evidence: list[FactRef] = Field(default_factory=list, description="额外列出的事实")


@dataclass
class Rubric:
    source_path: str
    data: RubricFile

    @property
    def title(self) -> str:
        return self.data.title

    @property
    def total(self) -> Fraction:
        return exact(self.data.total)

    @property
    def categories(self) -> list[RubricCategory]:
        return self.data.categories

    @property
    def items(self) -> list[RubricItem]:
        return [i for c in self.data.categories for i in c.items]

    def item(self, no: int) -> RubricItem | None:
        return next((i for i in self.items if i.no == no), None)

    def category_of(self, no: int) -> RubricCategory:
        return next(c for c in self.data.categories if any(i.no == no for i in c.items))

    @property
    def assessed_numbers(self) -> list[int]:
        return [i.no for i in self.items if i.assessed]


def load_rubric(file: Path = RUBRIC_FILE, rel: str = "generator/data/rubric.yml") -> tuple[Rubric | None, ErrorLog]:
    log = ErrorLog()
    doc, errors = read_yaml(file, rel)
    log.errors.extend(errors)
    if doc is None or errors:
        return None, log
    try:
        data = RubricFile.model_validate(doc.data if doc.data is not None else {})
    except ValidationError as exc:
        log.errors.extend(validation_errors(exc, doc, RubricFile))
        return None, log
    check_rubric(data, lambda path, field, message: log.add(rel, doc.line(path), field, message))
    return (None if log.errors else Rubric(rel, data)), log


Report = Callable[[PathKey, str, Msg], None]
"""Where a check reports a problem: the YAML path, the field as printed, and the catalogue message."""


def check_rubric(data: RubricFile, report: Report) -> None:
    """Numbering runs 1..n, weights add up (items -> category -> total), rules are well-formed."""
    number = 1
    category_sum = Fraction(0)
    for ci, cat in enumerate(data.categories):
        base: PathKey = ("categories", ci)
        if cat.no != ci + 1:
            report((*base, "no"), f"categories[{ci}].no", msg("rubric.category_numbers", expected=ci + 1))
        item_sum = Fraction(0)
        for ii, item in enumerate(cat.items):
            path: PathKey = (*base, "items", ii)
            field = f"categories[{ci}].items[{ii}]"
            if item.no != number:
                report((*path, "no"), f"{field}.no", msg("rubric.item_numbers", expected=number, found=item.no))
            number = item.no + 1
            if not one_decimal(item.max):
                report((*path, "weight"), f"{field}.weight", msg("rubric.weight_decimals"))
            item_sum += item.max
            check_rule(item.rule, item.max, (*path, "rule"), f"{field}.rule", report)
        category_sum += cat.max
        if item_sum != cat.max:
            report((*base, "weight"), f"categories[{ci}].weight", msg(
                "rubric.category_weight_sum", no=cat.no, weight=fmt_number(cat.max), sum=fmt_number(item_sum)))
    if category_sum != exact(data.total):
        report(("total",), "total",
               msg("rubric.total_sum", sum=fmt_number(category_sum), total=fmt_number(exact(data.total))))


def check_rule(rule: Rule, weight: Fraction, path: PathKey, field: str, report: Report, nested: bool = False) -> None:
    if isinstance(rule, ThresholdRule):
        _check_metric(rule.metric, rule.activity_types, False, (*path, "metric"), f"{field}.metric", report)
    elif isinstance(rule, ChecklistRule):
        for i, fact in enumerate(rule.facts):
            _check_metric(fact.metric, fact.activity_types, True, (*path, "facts", i, "metric"),
                          f"{field}.facts[{i}].metric", report)
        if nested and rule.steps is not None:
            report((*path, "steps"), f"{field}.steps", msg("rubric.nested_steps"))
        elif rule.steps is not None:
            check_steps(rule.steps, rule.conditions, weight, (*path, "steps"), f"{field}.steps", report)
    elif isinstance(rule, AssessedRule):
        for i, fact in enumerate(rule.evidence):
            _check_metric(fact.metric, fact.activity_types, None, (*path, "evidence", i, "metric"),
                          f"{field}.evidence[{i}].metric", report)
    elif isinstance(rule, CombinationRule):
        for i, part in enumerate(rule.parts):
            check_rule(part, weight, (*path, "parts", i), f"{field}.parts[{i}]", report, nested=True)
        if rule.steps is not None:
            check_steps(rule.steps, rule.conditions, weight, (*path, "steps"), f"{field}.steps", report)
    elif isinstance(rule, SequenceRule):
        check_stages(rule, path, field, report)
        if rule.steps is not None:
            check_steps(rule.steps, rule.conditions, weight, (*path, "steps"), f"{field}.steps", report)
    elif isinstance(rule, FrequencyRule) and rule.value < 1:
        report((*path, "value"), f"{field}.value", msg("rubric.frequency_min"))


def _month_day(text: str) -> dt.date | None:
    month, day = (int(x) for x in text.split("-"))
    try:
        return dt.date(2001, month, day)  # not a leap year: 02-29 has no place in every year
    except ValueError:
        return None


def check_stages(rule: SequenceRule, path: PathKey, field: str, report: Report) -> None:
    """Each stage's window is a real part of the year; the windows follow in order and do not overlap."""
    previous_end: dt.date | None = None
    seen: set[str] = set()
    for i, stage in enumerate(rule.stages):
        base: PathKey = (*path, "stages", i)
        where = f"{field}.stages[{i}]"
        if stage.stage in seen:
            report((*base, "stage"), f"{where}.stage", msg("rubric.stage_twice", stage=stage.stage))
        seen.add(stage.stage)
        bad = [key for key in ("start", "end") if _month_day(getattr(stage, key)) is None]
        for key in bad:
            report((*base, key), f"{where}.{key}", msg("rubric.not_every_year_day", day=getattr(stage, key)))
        if bad:
            previous_end = None
            continue
        start, end = stage.bounds(2001)
        if end < start:
            report((*base, "end"), f"{where}.end",
                   msg("rubric.window_ends_before_start", end=stage.end, start=stage.start))
        elif previous_end is not None and start <= previous_end:
            report((*base, "start"), f"{where}.start", msg("rubric.stages_overlap", start=stage.start))
        previous_end = end


def _check_metric(name: str, types: Sequence[str] | None, boolean: bool | None, path: PathKey, field: str,
                  report: Report) -> None:
    metric = METRICS.get(name)
    if metric is None:
        report(path, field, msg("rubric.unknown_metric", name=name, known=join(sorted(METRICS))))
        return
    if boolean is True and not metric.boolean:
        report(path, field, msg("rubric.metric_is_number", name=name))
    if boolean is False and metric.boolean:
        report(path, field, msg("rubric.metric_is_fact", name=name))
    if metric.takes_types and not types:
        report(path, field, msg("rubric.metric_needs_types", name=name))
    if types and not metric.takes_types:
        report(path, field, msg("rubric.metric_takes_no_types", name=name))


def check_steps(steps: Iterable[float], conditions: int, weight: Fraction, path: PathKey, field: str,
                report: Report) -> None:
    values = [exact(s) for s in steps]
    if len(values) != conditions + 1:
        report(path, field, msg("rubric.steps_count", conditions=conditions, values=conditions + 1))
    elif values != sorted(values):
        report(path, field, msg("rubric.steps_must_not_decrease"))
    elif values[-1] != weight:
        report(path, field, msg("rubric.steps_end_at_weight", weight=fmt_number(weight)))
    elif any(not one_decimal(v) for v in values):
        report(path, field, msg("rubric.step_decimals"))


def check_refinements(rubric: Rubric, refinements: list[RubricRefinement], towns: set[str],
                      report: Report) -> None:
    """Refinements name a known town and item, and keep the item's weight."""
    seen: set[tuple[str, int]] = set()
    for i, ref in enumerate(refinements):
        base: PathKey = ("rubric_refinements", i)
        field = f"rubric_refinements[{i}]"
        if ref.town not in towns:
            report((*base, "town"), f"{field}.town", msg("rubric.unknown_town", town=ref.town))
        if (ref.town, ref.item) in seen:
            report((*base, "item"), f"{field}.item", msg("rubric.refined_twice", item=ref.item, town=ref.town))
        seen.add((ref.town, ref.item))
        item = rubric.item(ref.item)
        if item is None:
            report((*base, "item"), f"{field}.item", msg("rubric.unknown_item", item=ref.item, count=len(rubric.items)))
            continue
        for j, fact in enumerate(ref.evidence):
            _check_metric(fact.metric, fact.activity_types, None, (*base, "evidence", j, "metric"),
                          f"{field}.evidence[{j}].metric", report)
        if ref.steps is None:
            continue
        if not isinstance(item.rule, ChecklistRule | CombinationRule | SequenceRule):
            report((*base, "steps"), f"{field}.steps",
                   msg("rubric.steps_wrong_rule", item=ref.item, kind=item.rule.kind))
            continue
        check_steps(ref.steps, item.rule.conditions, item.max, (*base, "steps"), f"{field}.steps", report)


def refined_rule(item: RubricItem, refinement: RubricRefinement | None) -> Rule:
    if refinement is None or refinement.steps is None:
        return item.rule
    return item.rule.model_copy(update={"steps": list(refinement.steps)})


def parse_refinements(raw: Sequence[object], doc: YamlDoc | None, rel: str) -> tuple[list[RubricRefinement], ErrorLog]:
    """Validate ``rubric_refinements`` from ``site_config.yml`` (located errors, every entry checked).

    Steps must start at 0: a town may change partial credit, but never give marks for no condition met.
    """
    log = ErrorLog()
    out: list[RubricRefinement] = []
    for i, entry in enumerate(raw):
        try:
            ref = RubricRefinement.model_validate(entry)
        except ValidationError as exc:
            if doc is None:
                log.add(rel, 0, f"rubric_refinements[{i}]", msg("rubric.invalid_refinement"))
            else:
                log.errors.extend(validation_errors(exc, doc, RubricRefinement, ("rubric_refinements", i)))
            continue
        if ref.steps and exact(ref.steps[0]) != 0:  # a refinement may never give marks for zero conditions met
            path: PathKey = ("rubric_refinements", i, "steps", 0)
            log.add(rel, doc.line(path) if doc is not None else 0, f"rubric_refinements[{i}].steps[0]",
                    msg("rubric.steps_start_at_zero", first=fmt_number(exact(ref.steps[0]))))
        out.append(ref)
    return out, log
