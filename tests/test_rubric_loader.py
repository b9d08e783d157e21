"""The loader refuses a rubric whose weights or rules are wrong, with located errors."""

from __future__ import annotations

from pathlib import Path

from generator.scoring.rubric import RUBRIC_FILE, load_rubric
from generator.scoring.rules.metrics import METRICS

TEXT = RUBRIC_FILE.read_text(encoding="utf-8")


def _load(tmp_path: Path, text: str) -> list[str]:
    file = tmp_path / "rubric.yml"
    file.write_text(text, encoding="utf-8")
    rubric, log = load_rubric(file, "rubric.yml")
    assert (rubric is None) == bool(log.errors)
    return [str(e) for e in log]


def _line(text: str, needle: str, after: str = "") -> int:
    start = text.index(after) if after else 0
    return text[: text.index(needle, start)].count("\n") + 1


def test_the_shipped_rubric_loads(tmp_path: Path) -> None:
    assert _load(tmp_path, TEXT) == []


def test_an_item_weight_that_breaks_its_category_is_refused(tmp_path: Path) -> None:
    text = TEXT.replace("      - no: 3\n        weight: 4\n", "      - no: 3\n        weight: 5\n")
    errors = _load(tmp_path, text)
    line = _line(text, "    weight: 20")
    # the partial-credit steps of item 3 no longer matter (threshold), so that is the only error
    assert errors == [f"rubric.yml:{line}: 类别[0].权重(weight): 第 1 类的权重为 20，但其中各项合计为 21"
                      "（提示：权重合计不符的考评细则不予采用）"]


def test_categories_that_do_not_add_up_to_the_total_are_refused(tmp_path: Path) -> None:
    text = TEXT.replace("total: 100", "total: 90")
    assert _load(tmp_path, text) == [
        f"rubric.yml:{_line(text, 'total: 90')}: 合计(total): 各类权重合计为 100，而不是 90"
        "（提示：权重合计不符的考评细则不予采用）"]


def test_steps_must_end_at_the_weight(tmp_path: Path) -> None:
    text = TEXT.replace("steps: [0, 3, 6]", "steps: [0, 3, 5]", 1)
    line = _line(text, "steps: [0, 3, 5]")
    assert _load(tmp_path, text) == [
        f"rubric.yml:{line}: 类别[0].细则项目[0].评分规则.得分档次(steps):"
        " 得分档次（steps）的最后一个值必须等于本项权重 6（提示：细化只能调整部分得分，不能改变权重）"]


def test_steps_need_one_value_per_number_of_conditions_met(tmp_path: Path) -> None:
    text = TEXT.replace("steps: [0, 3, 6]", "steps: [0, 6]", 1)
    errors = _load(tmp_path, text)
    assert errors == [f"rubric.yml:{_line(text, 'steps: [0, 6]')}: 类别[0].细则项目[0].评分规则.得分档次(steps):"
                      " 该规则有 2 项条件，得分档次（steps）需要 3 个值（依次为满足 0 …… 2 项条件时的得分）"]


def test_numbering_gaps_and_unknown_metrics_are_refused(tmp_path: Path) -> None:
    text = TEXT.replace("      - no: 7\n", "      - no: 8\n").replace("metric: cadre_training_days",
                                                                     "metric: training_dayz")
    errors = _load(tmp_path, text)
    eights = [n for n, t in enumerate(text.split("\n"), start=1) if t == "      - no: 8"]
    assert errors == [
        f"rubric.yml:{_line(text, 'metric: training_dayz')}: 类别[0].细则项目[2].评分规则.指标(metric):"
        f" 未知指标“training_dayz”（提示：可用的指标：{'、'.join(sorted(METRICS))}）",
        f"rubric.yml:{eights[0]}: 类别[1].细则项目[2].序号(no):"
        " 细则序号必须按 1、2、3 …… 依次编排，不能跳号；此处应为 7，实际为 8",
        f"rubric.yml:{eights[1]}: 类别[1].细则项目[3].序号(no):"
        " 细则序号必须按 1、2、3 …… 依次编排，不能跳号；此处应为 9，实际为 8",
    ]


def test_a_number_metric_cannot_be_a_checklist_fact(tmp_path: Path) -> None:
    text = TEXT.replace("- metric: degree_study", "- metric: cadre_training_days")
    errors = _load(tmp_path, text)
    assert errors == [f"rubric.yml:{_line(text, '- metric: cadre_training_days')}:"
                      " 类别[0].细则项目[3].评分规则.facts[0].指标(metric):"
                      " 指标“cadre_training_days”是数值，不是“是否”类事实（提示：数值请用阈值规则（threshold））"]


def test_an_unknown_comparator_is_a_schema_error(tmp_path: Path) -> None:
    text = TEXT.replace("comparator: 不少于\n          value: 7", "comparator: 大于\n          value: 7")
    errors = _load(tmp_path, text)
    rule = text[: text.index("comparator: 大于")].rindex("rule:")  # "threshold" is the rule's kind, not a key:
    assert errors == [f"rubric.yml:{text[:rule].count(chr(10)) + 1}:"  # the error is at the rule's line
                      " 类别[0].细则项目[2].评分规则.threshold.comparator:"
                      " 应为以下之一：以上、不少于、达到、超过、以下、不超过、不满"]
