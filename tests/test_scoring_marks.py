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
    assert _errors(project) == [f"{ASSESS}:{line}: 验收[0].评分[4].评分(score): 评分 7 超过第 3 项的权重 4"]


def test_an_assessed_mark_above_its_weight_is_an_error(tmp_path: Path) -> None:
    project = with_assessments(tmp_path, replace("{item: 23, score: 3,", "{item: 23, score: 3.5,"))
    line = _line_of(project, "{item: 23")
    assert _errors(project) == [
        f"{ASSESS}:{line}: 验收[0].评分[3].评分(score): 评分 3.5 超过第 23 项的权重 3"]


def test_an_unknown_item_is_an_error(tmp_path: Path) -> None:
    project = with_marks(tmp_path, "      - {item: 31, score: 1, comment: 无此项}\n")
    line = _line_of(project, "{item: 31")
    assert _errors(project) == [
        f"{ASSESS}:{line}: 验收[0].评分[4].细则序号(item): 考评细则中没有第 31 项（提示：考评细则共有第 1—23 项）"]


def test_an_assessed_item_without_a_mark_is_an_error(tmp_path: Path) -> None:
    project = with_assessments(tmp_path, replace("      - {item: 9, score: 4, comment: 服务创新获认可}\n", ""))
    line = _line_of(project, "    marks:")
    assert _errors(project) == [
        f"{ASSESS}:{line}: 验收[0].评分(marks): 评定项第 9 项没有评分"
        "（提示：每条验收记录都必须对全部评定项评分：5、9、11、23）"]


def test_an_item_marked_twice_is_an_error(tmp_path: Path) -> None:
    project = with_marks(tmp_path, "      - {item: 5, score: 3, comment: 重复}\n")
    line = _line_of(project, "comment: 重复")
    assert _errors(project) == [
        f"{ASSESS}:{line}: 验收[0].评分[4].细则序号(item): 第 5 项重复评分（另见 marks[0]）"]


def test_a_mark_with_two_decimals_is_an_error(tmp_path: Path) -> None:
    project = with_assessments(tmp_path, replace("{item: 5, score: 4,", "{item: 5, score: 3.25,"))
    line = _line_of(project, "{item: 5")
    assert _errors(project) == [
        f"{ASSESS}:{line}: 验收[0].评分[0].评分(score): 评分 3.25 的小数位数超过一位"
        "（提示：评分保留一位小数，总分才能准确相加）"]


def test_an_acceptance_period_outside_the_cycle_is_an_error(tmp_path: Path) -> None:
    project = with_assessments(tmp_path, replace("period: 2025-H2", "period: 2024-H2"))
    line = _line_of(project, "period: 2024-H2")
    # validate.py reports this before scoring (score.py checks it again for its own callers)
    assert _errors(project) == [f"{ASSESS}:{line}: 验收[0].验收半年度(period): 半年度不在项目周期内"
                                "（提示：项目周期为 2025-01-01 至 2026-12-31）"]


def test_two_acceptance_records_for_one_period_are_an_error(tmp_path: Path) -> None:
    text = (FULL_MARKS / ASSESS).read_text(encoding="utf-8")
    second = text[text.index("  - date: 2026-01-20"):]
    project = with_assessments(tmp_path, lambda t: t + second.replace("2026-01-20", "2026-01-22"))
    line = _line_of(project, "date: 2026-01-22") + 1
    assert _errors(project) == [
        f"{ASSESS}:{line}: 验收[1].验收半年度(period): 半年度 2025-H2 已有验收记录（acceptance[0]）"]


def test_a_mark_on_a_computed_item_without_reason_is_ignored_with_a_warning(tmp_path: Path) -> None:
    project = with_marks(tmp_path, "      - {item: 3, score: 1, comment: 培训不足}\n")
    result = prepared(project)
    line = _line_of(project, "{item: 3")
    assert result.log.errors == []
    assert [str(w) for w in result.log.warnings] == [
        f"{ASSESS}:{line}: 验收[0].评分[4](marks): 第 3 项是计算项，此评分不予采用"
        "（提示：对计算项的评分只有写明改判理由（override_reason）才会采用）"]
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
    line = _line_of(FULL_MARKS, "period: 2025-H2")
    assert [str(e) for e in log] == [f"{ASSESS}:{line}: 验收[0].验收半年度(period): 半年度 2027-H1 不在项目周期内"
                                     "（提示：项目周期为 2025-01-01 至 2026-12-31；每个项目周期单独考评）"]
