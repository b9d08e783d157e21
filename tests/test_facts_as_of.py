"""Profile facts are known as of a date: a change made today does not rewrite an earlier period."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from scoring_util import ALPHA, prepared, rendered
from support import FULL_MARKS, copy_project

from generator import urls

SECOND_ACCEPTANCE = """  - date: 2026-07-20
    period: 2026-H1
    team: 测试区委组织部验收组
    marks:
      - {item: 5, score: 4, comment: 保持}
      - {item: 9, score: 4, comment: 保持}
      - {item: 11, score: 5, comment: 保持}
      - {item: 23, score: 3, comment: 保持}
"""


def with_change(tmp_path: Path, change: str, second_period: bool = True, name: str = "project") -> Path:
    project = copy_project(FULL_MARKS, tmp_path / name)
    profile = project / ALPHA / "profile.yml"
    text = profile.read_text(encoding="utf-8")
    profile.write_text(text.replace("\npublication:", "\nchanges:\n" + change + "publication:", 1), encoding="utf-8")
    if second_period:
        assessments = project / ALPHA / "assessments.yml"
        assessments.write_text(assessments.read_text(encoding="utf-8") + SECOND_ACCEPTANCE, encoding="utf-8")
    return project


def totals(project: Path) -> dict[str, str]:
    result = prepared(project, dt.date(2026, 11, 27))
    assert result.log.errors == [], [str(e) for e in result.log.errors]
    assert result.context is not None and result.context.scores is not None
    return {r.period: str(r.total) for r in result.context.scores.history}


def test_a_change_counts_from_its_date_and_earlier_periods_keep_the_old_fact(tmp_path: Path) -> None:
    """The secretary stopped being also the director on 2026-03-01: 2025-H2 keeps its 100, 2026-H1 loses 3 points
    (item 2), compared with the same change dated after both periods."""
    later = totals(with_change(tmp_path, "  - {since: 2026-09-01, secretary: {also_director: false}}\n", name="a"))
    now = totals(with_change(tmp_path, "  - {since: 2026-03-01, note: 换届, secretary: {also_director: false}}\n",
                             name="b"))
    assert now["2025-H2"] == later["2025-H2"] == "100"
    assert float(later["2026-H1"]) - float(now["2026-H1"]) == 3


def test_the_board_shows_the_facts_of_the_build_date(tmp_path: Path) -> None:
    project = with_change(tmp_path, "  - {since: 2026-03-01, secretary: {also_director: false}}\n", second_period=False)
    result = rendered(project, dt.date(2026, 11, 27))
    assert result.output is not None
    board = result.output.pages[urls.source(urls.community("nancheng", "alpha"))]
    assert "“一肩挑”" not in board.split("## 基本情况")[1].split("</dl>")[0]
    earlier = rendered(project, dt.date(2026, 2, 1))
    assert earlier.output is not None
    assert "书记、主任“一肩挑”" in earlier.output.pages[urls.source(urls.community("nancheng", "alpha"))]


def test_a_change_that_gives_an_invalid_profile_is_located(tmp_path: Path) -> None:
    project = with_change(tmp_path, "  - since: 2026-03-01\n    secretary: {education: 博士后}\n")
    lines = (project / ALPHA / "profile.yml").read_text(encoding="utf-8").split("\n")
    line = next(n for n, t in enumerate(lines, start=1) if "education: 博士后" in t)
    errors = [str(e) for e in prepared(project).log.errors]
    assert errors == [f"{ALPHA}/profile.yml:{line}: 事实变更[0].书记.学历(education):"
                      " 应为以下之一：研究生、本科、大专、中专、高中、初中及以下"]


def test_changes_must_be_in_date_order(tmp_path: Path) -> None:
    project = with_change(tmp_path, "  - {since: 2026-03-01, secretary: {also_director: false}}\n"
                                    "  - {since: 2025-09-01, committee: {cross_appointed: 1}}\n")
    messages = [e.message.text() for e in prepared(project).log.errors]
    assert messages == ["事实变更（changes）须按日期先后排列（2025-09-01 早于 2026-03-01）"]
