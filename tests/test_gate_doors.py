"""The publication gate has no side doors: a record is public only if it and every container (file,
community, town, district) is approved and public, on or before the as-of day; public records may not
point at held-back ones. Each scenario edits the trust fixture and marks the held-back text SIDEDOOR."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from support import AS_OF, TRUST, cli, copy_project
from trust_util import build, tree

from generator.pipeline import prepare

PINE = "communities/east-town/pine"
SIDEDOOR = re.compile(rb"SIDEDOOR")


def _site(tmp_path: Path, edits: dict[str, object]) -> tuple[Path, dict[str, bytes]]:
    project = copy_project(TRUST, tmp_path / "project", edits)  # type: ignore[arg-type]
    out = tmp_path / "site"
    result = build(project, out)
    assert result.exit_code == 0, result.output
    return project, tree(out)


def _leaks(files: dict[str, bytes]) -> list[str]:
    return sorted(path for path, data in files.items() if SIDEDOOR.search(data))


def _held(project: Path, day: dt.date = AS_OF) -> list[str]:
    result = prepare(project, day)
    assert result.context is not None, [str(e) for e in result.log]
    return [str(h) for h in result.context.held_back]


def test_an_item_approved_inside_a_draft_file_stays_a_draft(tmp_path: Path) -> None:
    def edit(text: str) -> str:
        text = text.replace("publication: {state: approved, approved_by: 东城街道党工委, approved_on: 2025-04-01}",
                            "publication: {state: draft}", 1)
        return text + ("  - {date: 2025-07-01, type: 集中服务, title: 批准了的 SIDEDOOR-item, participants: 9,"
                       " publication: {state: approved, approved_by: 东城街道党工委, approved_on: 2025-07-02}}\n")

    project, files = _site(tmp_path, {f"{PINE}/activities.yml": edit})
    assert _leaks(files) == []
    assert f"{PINE}/activities.yml: activities[2] 批准了的 SIDEDOOR-item: 草稿，尚未审批" in _held(project)


def test_an_approval_dated_after_today_waits_for_its_day(tmp_path: Path) -> None:
    def edit(text: str) -> str:
        return text + ("  - {date: 2025-07-01, type: 集中服务, title: 将来公开 SIDEDOOR-future, participants: 9,"
                       " publication: {state: approved, approved_by: 东城街道党工委, approved_on: 2099-01-01}}\n")

    project, files = _site(tmp_path, {f"{PINE}/activities.yml": edit})
    assert _leaks(files) == []
    assert f"{PINE}/activities.yml: activities[2] 将来公开 SIDEDOOR-future: 审批日期为 2099-01-01，到这一天才公开" \
        in _held(project)
    check = cli("check", "-p", str(project), "--as-of", AS_OF.isoformat(), "--show-held")
    assert "暂不公开：" + f"{PINE}/activities.yml: activities[2] 将来公开 SIDEDOOR-future: 审批日期为 2099-01-01，" \
        "到这一天才公开" in check.stdout.splitlines()
    on_the_day = prepare(project, dt.date(2099, 1, 1))
    assert on_the_day.context is not None
    pine = on_the_day.context.district.community("east-town/pine")
    assert pine is not None and "将来公开 SIDEDOOR-future" in [a.title for a in pine.activities.activities]


def test_a_district_file_that_is_not_approved_publishes_none_of_its_content(tmp_path: Path) -> None:
    def edit(text: str) -> str:
        text = text.replace("title: 2026年度先进社区党组织", "title: 2026年度先进社区党组织 SIDEDOOR-commendation")
        return text.replace("publication: {state: approved, approved_by: 测试区委组织部, approved_on: 2025-01-10}",
                            "publication: {state: draft}", 1)

    project, files = _site(tmp_path, {"communities/district.yml": edit})
    assert _leaks(files) == []
    assert "communities/district.yml: commendations[0] 2026年度先进社区党组织 SIDEDOOR-commendation: 草稿，尚未审批" \
        in _held(project)


def test_a_draft_town_leaves_no_trace_not_even_in_a_refinement(tmp_path: Path) -> None:
    refinement = ("rubric_refinements:\n  - {town: draftleak-west, item: 16, note: SIDEDOOR-refinement,"
                  " steps: [0, 2, 3]}\n")
    _, files = _site(tmp_path, {"site_config.yml": lambda text: text + refinement})
    assert _leaks(files) == []
    assert not [p for p, data in files.items() if b"draftleak-west" in data or "西城街道".encode() in data]


def test_a_model_brand_that_is_held_back_is_a_located_error(tmp_path: Path) -> None:
    project = copy_project(TRUST, tmp_path / "project", {"communities/district.yml": lambda text: text.replace(
        "model_brands: [pine-garden]", "model_brands: [pine-garden, draftleak-birch-brand]")})
    result = cli("check", "-p", str(project), "--as-of", AS_OF.isoformat())
    assert result.exit_code == 1
    expected = ("错误：communities/district.yml:4: 示范品牌[1](model_brands): 示范品牌“draftleak-birch-brand”尚未公开"
                "（提示：已公开的区级文件只能列出已公开的品牌：请先公开该品牌，或从示范品牌中删去）")
    assert expected in result.stderr.splitlines()
