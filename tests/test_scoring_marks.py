"""Acceptance marks: every build error with its exact, located message; overrides and warnings."""

from __future__ import annotations

from pathlib import Path

from scoring_util import ALPHA, prepared, replace
from support import AS_OF, FULL_MARKS, Edit, copy_project

ASSESS = f"{ALPHA}/assessments.yml"
MARKS = "      - {item: 23, score: 3, comment: 领导管理有创新}\n"


def _errors(project: Path) -> list[str]:
    return [str(e) for e in prepared(project).log]


def _line_of(project: Path, needle: str) -> int:
    text = (project / ASSESS).read_text(encoding="utf-8")
    return text[: text.index(needle)].count("\n") + 1


def with_assessments(tmp_path: Path, edit: Edit) -> Path:
    """A copy of ``full_marks`` with its assessments file edited."""
    return copy_project(FULL_MARKS, tmp_path / "project", {ASSESS: edit})


def with_marks(tmp_path: Path, extra: str) -> Path:
    return with_assessments(tmp_path, replace(MARKS, MARKS + extra))


def test_the_fixture_builds_clean() -> None:
    result = prepared(FULL_MARKS)
    assert (result.log.errors, result.log.warnings) == ([], [])


def test_a_mark_above_the_item_weight_is_an_error(tmp_path: Path) -> None:
    project = with_marks(tmp_path, "      - {item: 3, score: 7, comment: 培训扎实, override_reason: 培训记录不全}\n")
    line = _line_of(project, "{item: 3, score: 7")
    assert _errors(project) == [f"{ASSESS}:{line}: acceptance[0].marks[4].score: mark 7 exceeds item 3's weight 4"]


def test_an_assessed_mark_above_its_weight_is_an_error(tmp_path: Path) -> None:
    project = with_assessments(tmp_path, replace("{item: 23, score: 3,", "{item: 23, score: 3.5,"))
    line = _line_of(project, "{item: 23")
    assert _errors(project) == [
        f"{ASSESS}:{line}: acceptance[0].marks[3].score: mark 3.5 exceeds item 23's weight 3"]


def test_an_unknown_item_is_an_error(tmp_path: Path) -> None:
    project = with_marks(tmp_path, "      - {item: 31, score: 1, comment: 无此项}\n")
    line = _line_of(project, "{item: 31")
    assert _errors(project) == [
        f"{ASSESS}:{line}: acceptance[0].marks[4].item: unknown item 31 (hint: the rubric has items 1–23)"]


def test_an_assessed_item_without_a_mark_is_an_error(tmp_path: Path) -> None:
    project = with_assessments(tmp_path, replace("      - {item: 9, score: 4, comment: 服务创新获认可}\n", ""))
    line = _line_of(project, "    marks:")
    assert _errors(project) == [
        f"{ASSESS}:{line}: acceptance[0].marks: no mark for assessed item 9 "
        "(hint: an acceptance record must mark every assessed item: 5, 9, 11, 23)"]


def test_an_item_marked_twice_is_an_error(tmp_path: Path) -> None:
    project = with_marks(tmp_path, "      - {item: 5, score: 3, comment: 重复}\n")
    line = _line_of(project, "comment: 重复")
    assert _errors(project) == [
        f"{ASSESS}:{line}: acceptance[0].marks[4].item: item 5 is marked twice (also marks[0])"]


def test_a_mark_with_two_decimals_is_an_error(tmp_path: Path) -> None:
    project = with_assessments(tmp_path, replace("{item: 5, score: 4,", "{item: 5, score: 3.25,"))
    line = _line_of(project, "{item: 5")
    assert _errors(project) == [
        f"{ASSESS}:{line}: acceptance[0].marks[0].score: mark 3.25 has more than one decimal place "
        "(hint: marks are kept to one decimal so totals add up exactly)"]


def test_an_acceptance_period_outside_the_cycle_is_an_error(tmp_path: Path) -> None:
    project = with_assessments(tmp_path, replace("period: 2025-H2", "period: 2024-H2"))
    line = _line_of(project, "period: 2024-H2")
    # validate.py reports this before scoring (score.py checks it again for its own callers)
    [error] = _errors(project)
    assert error.startswith(f"{ASSESS}:{line}: acceptance[0].period: ")
    assert "outside the project cycle" in error and "2025-01-01 to 2026-12-31" in error


def test_two_acceptance_records_for_one_period_are_an_error(tmp_path: Path) -> None:
    text = (FULL_MARKS / ASSESS).read_text(encoding="utf-8")
    second = text[text.index("  - date: 2026-01-20"):]
    project = with_assessments(tmp_path, lambda t: t + second.replace("2026-01-20", "2026-01-22"))
    line = _line_of(project, "date: 2026-01-22") + 1
    assert _errors(project) == [
        f"{ASSESS}:{line}: acceptance[1].period: period 2025-H2 already has an acceptance record (acceptance[0])"]


def test_a_mark_on_a_computed_item_without_reason_is_ignored_with_a_warning(tmp_path: Path) -> None:
    project = with_marks(tmp_path, "      - {item: 3, score: 1, comment: 培训不足}\n")
    result = prepared(project)
    line = _line_of(project, "{item: 3")
    assert result.log.errors == []
    assert [str(w) for w in result.log.warnings] == [
        f"{ASSESS}:{line}: acceptance[0].marks[4]: mark for computed item 3 is ignored "
        "(hint: a computed item can only be changed with a written override_reason)"]
    assert result.context is not None and result.context.scores is not None
    item = result.context.scores.results[0].items[2]
    assert (item.score, item.basis) == (4, "computed")
    assert item.note == "验收组对本项的评分(1分)未附书面理由,未采用"


def test_an_override_with_a_written_reason_is_used_and_shown(tmp_path: Path) -> None:
    mark = "      - {item: 3, score: 1, comment: 培训不足, override_reason: 培训记录经核实为补录}\n"
    project = with_marks(tmp_path, mark)
    result = prepared(project)
    assert (result.log.errors, result.log.warnings) == ([], [])
    assert result.context is not None and result.context.scores is not None
    r = result.context.scores.results[0]
    item = r.items[2]
    assert (item.score, item.basis, item.basis_label, item.computed_score) == (1, "overridden", "改判", 4)
    assert item.explanation.startswith("计算结果4分(")
    assert item.explanation.endswith(";验收组改为1分,理由:培训记录经核实为补录")
    assert r.total == 97


def test_assessed_marks_with_a_half_point_sum_exactly(tmp_path: Path) -> None:
    project = with_assessments(tmp_path, replace("{item: 5, score: 4,", "{item: 5, score: 3.5,"))
    result = prepared(project)
    assert result.context is not None and result.context.scores is not None
    r = result.context.scores.results[0]
    assert str(r.total) == "99.5" and r.grade == "优秀"
    assert r.items[4].explanation == "验收组评定3.5分:承诺实效明显"
    assert r.items[4].gap == "距满分差0.5分,扣分理由见验收评语"


def test_check_acceptance_refuses_a_period_of_another_cycle_on_its_own() -> None:
    import dataclasses

    from scoring_util import alpha

    from generator.errors import ErrorLog
    from generator.scoring.marks import check_acceptance
    from generator.scoring.rubric import load_rubric

    c = alpha()
    acc = c.assessments.acceptance[0].model_copy(update={"period": "2027-H1"})
    c = dataclasses.replace(c, assessments=c.assessments.model_copy(update={"acceptance": [acc]}))
    rubric, _ = load_rubric()
    assert rubric is not None
    log = ErrorLog()
    assert check_acceptance(c, rubric, AS_OF, log) == []
    [error] = [str(e) for e in log]
    assert error.endswith("acceptance[0].period: period 2027-H1 is outside the project cycle "
                          "(hint: the cycle runs 2025-01-01 to 2026-12-31; each cycle is scored on its own)")
