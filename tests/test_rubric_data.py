"""The shipped rubric: verbatim from the policy, weights add up, one rule per item."""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import pytest

from generator.scoring.rubric import load_rubric
from generator.scoring.rules.spec import AssessedRule, ChecklistRule, CombinationRule, FrequencyRule, ThresholdRule

POLICY = Path(__file__).resolve().parents[2] / "shared" / "policy" / "six-in-one.md"
WEIGHTS = [6, 6, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 4, 4, 4, 3, 5, 5, 5, 4, 4, 4, 3]


@pytest.fixture(scope="module")
def rubric():  # type: ignore[no-untyped-def]
    rubric, log = load_rubric()
    assert not log.errors, [str(e) for e in log]
    assert rubric is not None
    return rubric


def test_six_categories_23_items_weights_and_totals(rubric) -> None:  # type: ignore[no-untyped-def]
    assert [i.no for i in rubric.items] == list(range(1, 24))
    assert [i.max for i in rubric.items] == [Fraction(w) for w in WEIGHTS]
    assert [c.max for c in rubric.categories] == [20, 20, 15, 15, 15, 15]
    assert [[i.no for i in c.items] for c in rubric.categories] == [
        [1, 2, 3, 4], [5, 6, 7, 8, 9], [10, 11, 12], [13, 14, 15, 16], [17, 18, 19], [20, 21, 22, 23]]
    assert rubric.total == 100


def _policy_rows() -> list[list[str]]:
    if not POLICY.is_file():
        pytest.skip(f"policy text not found: {POLICY} (the policy transcription kept beside the repository; "
                    "every other test uses files inside the repository only)")
    rows = [line for line in POLICY.read_text(encoding="utf-8").splitlines() if re.match(r"^\| \d+ \|", line)]
    return [[c.strip() for c in row.strip().strip("|").split("|")] for row in rows]


# The policy transcription uses ASCII marks; the site sets Chinese text with full-width ones (, → ，
# "x" → “x”).  The words must be the policy's, letter for letter.
FULL_WIDTH = str.maketrans({",": "，", ";": "；", ":": "：", "(": "（", ")": "）"})


def _full_width(text: str) -> str:
    return re.sub(r'"([^"]*)"', r"“\1”", text).translate(FULL_WIDTH)


def test_text_numbering_and_weights_are_verbatim_from_the_policy(rubric) -> None:  # type: ignore[no-untyped-def]
    rows = _policy_rows()
    assert len(rows) == 23
    for row, item in zip(rows, rubric.items, strict=True):
        assert int(row[0]) == item.no
        assert _full_width(row[2]) == item.text, f"item {item.no} text differs from the policy"
        assert Fraction(row[3]) == item.max
        category = rubric.category_of(item.no)
        assert row[1].split(" (")[0] in ("", category.name) or row[1].startswith(category.name)


def test_category_names_and_points_follow_the_policy_headings(rubric) -> None:  # type: ignore[no-untyped-def]
    headings = [r[1] for r in _policy_rows() if "(" in r[1]]
    assert headings == [f"{c.name} ({c.weight:g}分)" for c in rubric.categories]


def test_qualitative_items_are_assessed_and_numeric_items_computed(rubric) -> None:  # type: ignore[no-untyped-def]
    assert rubric.assessed_numbers == [5, 9, 11, 23]
    kinds = {i.no: type(i.rule) for i in rubric.items}
    assert kinds[3] is ThresholdRule and kinds[8] is ThresholdRule and kinds[12] is ThresholdRule
    assert kinds[2] is CombinationRule and kinds[16] is CombinationRule and kinds[21] is CombinationRule
    assert kinds[1] is ChecklistRule
    parts16 = rubric.item(16).rule.parts
    assert isinstance(parts16[0], ThresholdRule) and parts16[0].comparator == "超过"
    assert isinstance(parts16[1], FrequencyRule) and parts16[1].comparator == "不少于" and parts16[1].value == 1
    assert all(isinstance(rubric.item(n).rule, AssessedRule) for n in (5, 9, 11, 23))


def test_thresholds_use_the_legal_words_of_the_policy_text(rubric) -> None:  # type: ignore[no-untyped-def]
    item2 = rubric.item(2).rule.parts[1]
    assert (item2.comparator, item2.value) == ("以上", 0.3)
    item3 = rubric.item(3).rule
    assert (item3.comparator, item3.value) == ("不少于", 7)
    item8 = rubric.item(8).rule
    assert (item8.comparator, item8.value) == ("以上", 0.9)
    item21 = rubric.item(21).rule.parts[1]
    assert (item21.comparator, item21.value, item21.activity_types) == ("以上", 2, ["协调会"])


def test_every_item_explains_its_reading(rubric) -> None:  # type: ignore[no-untyped-def]
    assert all(i.interpretation for i in rubric.items)
    assert "全区目标" in (rubric.item(1).interpretation or "")


def test_missing_policy_text_skip_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import test_rubric_data as module

    missing = tmp_path / "shared" / "policy" / "six-in-one.md"
    monkeypatch.setattr(module, "POLICY", missing)
    with pytest.raises(pytest.skip.Exception, match=re.escape(f"policy text not found: {missing}")):
        module._policy_rows()
