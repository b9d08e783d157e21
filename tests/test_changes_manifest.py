"""What changed: data/manifest.json (a content hash per record) and the "本次更新" page."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
import yaml
from support import AS_OF_ARG, TRUST, copy_project
from trust_util import build, pledge, tree, write_yaml

from generator.pages.manifest import Record, content_hash, diff
from generator.records.schema import Pledge

PINE = Path("communities/east-town/pine")


def manifest(site: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((site / "data" / "manifest.json").read_text(encoding="utf-8"))


def changes_text(site: Path) -> str:
    html = (site / "changes" / "index.html").read_text(encoding="utf-8")
    article = html[html.index("<article"):html.index("</article>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", article))


@pytest.fixture
def first(tmp_path: Path) -> tuple[Path, Path]:
    project = copy_project(TRUST, tmp_path / "project")
    out = tmp_path / "site"
    result = build(project, out)
    assert result.exit_code == 0, result.output
    return project, out


def test_first_build(first: tuple[Path, Path]) -> None:
    _, out = first
    m = manifest(out)
    assert m["first"] is True and m["changes"] == [] and m["as_of"] == AS_OF_ARG
    assert "pledge:east-town/pine/elderly-meals" in m["records"]
    assert m["records"]["pledge:east-town/pine/elderly-meals"]["status"] == "进行中"
    assert all(re.fullmatch(r"sha256:[0-9a-f]{64}", r["hash"]) for r in m["records"].values())
    assert not [rid for rid in m["records"] if "draft" in rid or "internal" in rid]
    assert "这是本站首次发布" in changes_text(out)


def _edit(project: Path) -> None:
    pledges = yaml.safe_load((project / PINE / "pledges.yml").read_text(encoding="utf-8"))
    meals = pledges["pledges"][0]
    meals["milestones"][1].update(status="已完成", done_on=dt.date(2026, 11, 20))  # status 进行中 -> 已完成
    pledges["pledges"][1]["target"] = "每月入户宣传两次"  # a silent edit
    pledges["pledges"].append(pledge("new-library", "建设社区图书角", publication={
        "state": "approved", "approved_by": "东城街道党工委", "approved_on": dt.date(2026, 11, 1)}))
    write_yaml(project / PINE / "pledges.yml", pledges)
    (project / PINE / "activities.yml").unlink()  # an activity withdrawn
    district = project / "communities" / "district.yml"
    district.write_text(district.read_text(encoding="utf-8").replace(
        "  - id: 2026-draft-award", "  - id: 2026-new-award\n    title: 新的表彰\n    document_no: 测组通〔2026〕10号\n"
        "    date: 2026-11-01\n    communities: [east-town/pine]\n    reason: 成效明显。\n"
        "  - id: 2026-draft-award"), encoding="utf-8")


def test_second_build_lists_what_changed(first: tuple[Path, Path]) -> None:
    project, out = first
    _edit(project)
    assert build(project, out).exit_code == 0
    m = manifest(out)
    assert m["first"] is False and m["since"] == AS_OF_ARG
    kinds = [(c["type"], c["id"]) for c in m["changes"]]
    assert kinds == [
        ("new-pledge", "pledge:east-town/pine/new-library"),
        ("status", "pledge:east-town/pine/elderly-meals"),
        ("new-commendation", "commendation:2026-new-award"),
        ("changed", "pledge:east-town/pine/garbage-sorting"),
        ("removed", "activity:east-town/pine/2025-05-01/" + kinds[-1][1].rsplit("/", 1)[-1]),
    ]
    assert m["changes"][1]["before"] == "进行中" and m["changes"][1]["after"] == "已完成"
    text = changes_text(out)
    for heading in ("新增承诺", "承诺状态变化", "新增表彰", "内容有修改的记录", "撤下的记录"):
        assert heading in text
    assert "建设社区图书角" in text and "进行中 → 已完成" in text and "五一集中服务" in text
    html = (out / "changes" / "index.html").read_text(encoding="utf-8")
    assert 'href="../towns/east-town/pine/#pledge-new-library"' in html


def test_rebuild_without_changes_is_identical(first: tuple[Path, Path]) -> None:
    """Building twice gives the same site, and the page keeps showing the last real update."""
    project, out = first
    _edit(project)
    assert build(project, out).exit_code == 0
    before = tree(out)
    assert build(project, out).exit_code == 0
    assert tree(out) == before


def test_unreadable_previous_manifest_is_a_warning(first: tuple[Path, Path]) -> None:
    project, out = first
    (out / "data" / "manifest.json").write_text("{not json", encoding="utf-8")
    result = build(project, out)
    assert result.exit_code == 0
    assert ("警告：data/manifest.json: 无法读取上一版网站的 data/manifest.json：Expecting property name enclosed in"
            " double quotes: line 1 column 2 (char 1)；本次生成不与任何版本比较（提示：下次生成将与本次结果比较）"
            in result.stderr.splitlines())
    assert manifest(out)["first"] is True


def test_every_field_is_in_the_hash() -> None:
    p = Pledge.model_validate(yaml.safe_load(yaml.dump(pledge("a", "标题"), Dumper=yaml.SafeDumper)))
    assert content_hash(p) == content_hash(p.model_copy())
    for field, value in (("title", "标题2"), ("owner", "居委会"), ("due", dt.date(2026, 12, 30))):
        assert content_hash(p.model_copy(update={field: value})) != content_hash(p), field


def test_score_changes_are_listed() -> None:
    before = {"community:t/c": {"title": "社区", "hash": "sha256:1", "score": "88.5"}}
    after = {"community:t/c": Record("community:t/c", "社区", "sha256:1", "t/c", score="91")}
    assert [(c.type, c.before, c.after) for c in diff(before, after)] == [("score", "88.5", "91")]
