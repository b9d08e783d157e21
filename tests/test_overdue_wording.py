"""Overdue wording names what is late: the milestone and its date, not only a count of days that seems to
contradict a deadline still in the future."""

from __future__ import annotations

from support import AS_OF, REPO

from generator.pipeline import run


def test_an_overdue_pledge_names_the_missed_milestone_and_its_date() -> None:
    result = run(REPO, AS_OF)
    assert result.output is not None
    overdue = result.output.pages["pledges/overdue/index.md"]
    assert "<strong>节点“两部电梯投入使用”应于2026年9月30日完成，已逾期58天</strong>" in overdue
    tracker = result.output.pages["towns/chunhui/chengyuan/pledges/index.md"]
    assert "<dt>逾期</dt><dd>节点“两部电梯投入使用”应于2026年9月30日完成，已逾期58天</dd>" in tracker
    assert "（已逾期" not in tracker  # the deadline line no longer carries a count that runs from another date
