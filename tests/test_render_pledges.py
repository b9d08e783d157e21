"""Pledge tracker, district summary and overdue page."""

from __future__ import annotations

import datetime as dt
import re

from boards_util import district_output
from support import AS_OF

from generator.pages.views import site_views, view
from generator.records.schema import Milestone, Pledge


def _pledge(due: dt.date, *milestones: tuple[dt.date, str, dt.date | None]) -> Pledge:
    return Pledge(id="p", kind="组织承诺", title="t", target="x", owner="o", published_via=["会议"],
                  published_on=dt.date(2025, 1, 1), due=due,
                  milestones=[Milestone(date=d, title="m", status=s, done_on=done) for d, s, done in milestones])


def test_overdue_days_count_from_the_earliest_missed_date() -> None:
    context, _ = district_output()
    town = context.district.towns[0]
    c = town.communities[0]
    p = _pledge(dt.date(2026, 12, 31), (dt.date(2026, 9, 30), "进行中", None), (dt.date(2026, 10, 31), "未开始", None))
    v = view(p, town, c, AS_OF)
    assert v.status.label == "逾期"
    assert v.days_overdue == (AS_OF - dt.date(2026, 9, 30)).days
    assert [lm.days_late for lm in v.late] == [58, 27]
    assert v.completed_on is None


def test_completed_on_is_the_last_done_date() -> None:
    context, _ = district_output()
    town = context.district.towns[0]
    p = _pledge(dt.date(2026, 12, 31), (dt.date(2026, 3, 1), "已完成", dt.date(2026, 3, 5)),
                (dt.date(2026, 6, 1), "已完成", dt.date(2026, 5, 20)))
    v = view(p, town, town.communities[0], AS_OF)
    assert (v.status.label, v.completed_on, v.days_overdue, v.late) == ("已完成", dt.date(2026, 5, 20), 0, ())


def test_pledge_without_milestones_is_overdue_after_its_due_date() -> None:
    context, _ = district_output()
    town = context.district.towns[0]
    v = view(_pledge(dt.date(2026, 6, 30)), town, town.communities[0], AS_OF)
    assert v.status.label == "逾期"
    assert v.days_overdue == (AS_OF - dt.date(2026, 6, 30)).days


def test_tracker_groups_every_pledge_by_status_with_stable_anchors() -> None:
    context, output = district_output()
    page = output.pages["towns/chengnan/qingchuan/pledges/index.md"]
    town = context.district.towns[0]
    views = site_views(context).of(town.communities[1]).pledges  # qingchuan (sorted folders)
    assert {v.pledge.id for v in views} == {"elderly-meals", "waste-sorting", "stair-lights", "youth-study"}
    for v in views:
        assert f'<h3 id="pledge-{v.pledge.id}">' in page
        assert f'data-status="{v.status.id}" data-kind="{v.kind_id}"' in page
    order = [page.index(f'<h2 id="{sid}">') for sid in ("overdue", "ongoing", "not-started", "done")]
    assert order == sorted(order)
    for anchor in ("f-overdue", "f-ongoing", "f-not-started", "f-done", "f-org", "f-member"):
        assert f'id="{anchor}"' in page and f'href="#{anchor}"' in page


def test_tracker_shows_milestones_evidence_channels_and_a_readable_progress_bar() -> None:
    _, output = district_output()
    page = output.pages["towns/chengnan/qingchuan/pledges/index.md"]
    assert "佐证：助餐登记表" in page
    assert "会议、公开栏（2025年2月1日公开）" in page
    assert 'role="progressbar"' in page and 'aria-valuetext="已完成 2 个节点,共 3 个"' in page
    assert "逾期 58 天，进行中" in page  # the missed milestone of waste-sorting
    assert "挂牌上岗" in page


def test_user_text_is_escaped_and_never_becomes_markdown() -> None:
    _, output = district_output()
    page = output.pages["towns/chengnan/qingchuan/pledges/index.md"]
    assert "楼道照明 &lt;维修&gt; &amp; 巡查" in page
    assert "<维修>" not in page
    # user text only appears inside HTML blocks, never on a Markdown heading line
    assert not [line for line in page.splitlines() if line.startswith("#") and "维修" in line]


def test_overview_counts_and_overdue_page_lists_only_overdue_pledges_longest_first() -> None:
    context, output = district_output()
    views = site_views(context).pledges
    overdue = [v for v in views if v.status.label == "逾期"]
    assert {v.pledge.id for v in overdue} == {"waste-sorting", "parking"}
    page = output.pages["pledges/overdue/index.md"]
    titles = re.findall(r"<h3><a href=\"[^\"]+\">([^<]+)</a></h3>", page)
    assert titles == ["新增非机动车充电车棚", "推进垃圾分类定时定点投放"]  # 150 days late before 58
    assert "search:\n  exclude: true" in page
    index = output.pages["pledges/index.md"]
    assert "查看全区逾期承诺（2 项）" in index
    assert 'href="../towns/chengnan/qingchuan/pledges/"' in index
