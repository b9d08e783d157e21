"""Facts carry evidence: the record's file and line, and a link to its published page."""

from __future__ import annotations

from scoring_util import ALPHA, alpha, ctx
from support import FULL_MARKS

from generator.scoring.rules.metrics import METRICS, compute


def _line(rel: str, needle: str) -> int:
    text = (FULL_MARKS / rel).read_text(encoding="utf-8")
    return text[: text.index(needle)].count("\n") + 1


def test_pledge_evidence_points_at_the_file_line_even_after_a_draft_is_held_back() -> None:
    fact = compute("member_badge", ctx(alpha()))
    assert fact.value is True
    [ev] = fact.evidence
    assert ev.source == f"{ALPHA}/pledges.yml"
    assert ev.line == _line(f"{ALPHA}/pledges.yml", "- id: member-li")
    assert ev.url == "towns/nancheng/alpha/#pledge-member-li"


def test_activity_evidence_links_to_the_board_activities_section() -> None:
    fact = compute("activity_held", ctx(alpha()), ["走访慰问"])
    [ev] = fact.evidence
    assert ev.line == _line(f"{ALPHA}/activities.yml", "2025-08-20")
    assert ev.url == "towns/nancheng/alpha/#activities"
    assert ev.value == "2025-08-20 走访慰问老党员"


def test_profile_evidence_points_at_the_field() -> None:
    [ev] = compute("secretary_certificate", ctx(alpha())).evidence
    assert (ev.source, ev.line) == (f"{ALPHA}/profile.yml", _line(f"{ALPHA}/profile.yml", "social_work_certificate"))
    assert ev.url == "towns/nancheng/alpha/#profile"


def test_survey_evidence_links_to_the_score_page() -> None:
    [ev] = compute("satisfaction_rate", ctx(alpha())).evidence
    assert ev.url == "towns/nancheng/alpha/score/#surveys"
    assert ev.value == "2025-12-10 年度群众满意度测评:180/200人满意"


def test_every_metric_returns_a_fact_with_a_label_and_display() -> None:
    c = alpha()
    for name, metric in METRICS.items():
        fact = compute(name, ctx(c), ["集中服务"] if metric.takes_types else None)
        assert fact.label and fact.display, name
        assert all(e.source.startswith(ALPHA) for e in fact.evidence), name
