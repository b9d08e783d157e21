"""The loader refuses a rubric whose weights or rules are wrong, with located errors."""

from __future__ import annotations

from pathlib import Path

from generator.scoring.rubric import RUBRIC_FILE, load_rubric

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
    assert (f"rubric.yml:{line}: categories[0].weight: category 1 weighs 20 but its items add up to 21 "
            "(hint: a rubric whose weights do not add up is refused)") in errors
    # the partial-credit steps of item 3 no longer matter (threshold), so that is the only error
    assert len(errors) == 1


def test_categories_that_do_not_add_up_to_the_total_are_refused(tmp_path: Path) -> None:
    text = TEXT.replace("total: 100", "total: 90")
    assert _load(tmp_path, text) == [
        f"rubric.yml:{_line(text, 'total: 90')}: total: the categories add up to 100, not 90 "
        "(hint: a rubric whose weights do not add up is refused)"]


def test_steps_must_end_at_the_weight(tmp_path: Path) -> None:
    text = TEXT.replace("steps: [0, 3, 6]", "steps: [0, 3, 5]", 1)
    line = _line(text, "steps: [0, 3, 5]")
    assert _load(tmp_path, text) == [
        f"rubric.yml:{line}: categories[0].items[0].rule.steps: steps must end at the item's weight 6 "
        "(hint: a refinement changes partial credit, never the weight)"]


def test_steps_need_one_value_per_number_of_conditions_met(tmp_path: Path) -> None:
    text = TEXT.replace("steps: [0, 3, 6]", "steps: [0, 6]", 1)
    errors = _load(tmp_path, text)
    assert errors == [f"rubric.yml:{_line(text, 'steps: [0, 6]')}: categories[0].items[0].rule.steps: the rule has 2 "
                      "conditions, so steps needs 3 values (the score for 0 … 2 met)"]


def test_numbering_gaps_and_unknown_metrics_are_refused(tmp_path: Path) -> None:
    text = TEXT.replace("      - no: 7\n", "      - no: 8\n").replace("metric: cadre_training_days",
                                                                     "metric: training_dayz")
    errors = _load(tmp_path, text)
    assert any("categories[1].items[2].no: item numbers must run 1, 2, 3 … without gaps; expected 7, found 8" in e
               for e in errors)
    assert any("categories[0].items[2].rule.metric: unknown metric 'training_dayz'" in e for e in errors)


def test_a_number_metric_cannot_be_a_checklist_fact(tmp_path: Path) -> None:
    text = TEXT.replace("- metric: degree_study", "- metric: cadre_training_days")
    errors = _load(tmp_path, text)
    assert len(errors) == 1
    assert errors[0].endswith("categories[0].items[3].rule.facts[0].metric: metric 'cadre_training_days' is a number, "
                              "not a yes/no fact (hint: use a threshold rule for numbers)")


def test_an_unknown_comparator_is_a_schema_error(tmp_path: Path) -> None:
    text = TEXT.replace("comparator: 不少于\n          value: 7", "comparator: 大于\n          value: 7")
    errors = _load(tmp_path, text)
    assert len(errors) == 1 and "comparator" in errors[0] and "expected one of" in errors[0]
