"""Publication gate: a draft or internal record, and every string in it, appears nowhere in site/.

The trust fixture marks every held-back string with ``DRAFTLEAK`` (ids with ``draftleak``): draft and
internal pledges, a draft brand, activity and commendation, a file that is a draft as a whole, a record
with no publication state, internal assessments, a community whose profile is a draft (its approved
pledges and brand included) and a draft town.  After a full build no file of the site — pages, search
index, sitemap (and its .gz), feed, QR codes, data exports, manifest — and no file name contains it.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
import yaml
from support import AS_OF, AS_OF_ARG, TRUST, cli, copy_project
from trust_util import build, pledge, tree, write_yaml

LEAK = re.compile(rb"draftleak", re.I)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("gate")
    project = copy_project(TRUST, root / "project")
    out = root / "site"
    result = build(project, out)
    assert result.exit_code == 0, result.output
    return out


def test_no_held_back_string_in_any_file(site: Path) -> None:
    files = tree(site)
    assert {"search/search_index.json", "sitemap.xml", "sitemap.xml.gz", "data/manifest.json"} <= set(files)
    assert [p for p in files if p.startswith("data/") and p.endswith((".json", ".csv"))]
    leaks = [path for path, data in files.items() if LEAK.search(data) or LEAK.search(path.encode())]
    leaks += [f"{path} (gzip)" for path, data in files.items() if path.endswith(".gz")
              and LEAK.search(gzip.decompress(data))]
    assert leaks == []


def test_the_published_records_are_there(site: Path) -> None:
    """The gate is not simply dropping everything: approved public records are published."""
    text = b"".join(tree(site).values()).decode("utf-8", "replace")
    for published in ("为高龄老人提供养老助餐服务", "松园红色花园", "五一集中服务", "2026年度先进社区党组织",
                      "枫林社区"):
        assert published in text, published


def test_check_lists_what_is_held_back_and_why() -> None:
    result = cli("check", "-p", str(TRUST), "--as-of", AS_OF_ARG, "--show-held")
    assert result.exit_code == 0, result.output
    held = [line for line in result.stdout.splitlines() if line.startswith("暂不公开：")]
    expected = {
        "communities/district.yml: commendations[1]": "草稿，尚未审批",
        "communities/draftleak-west/town.yml: 镇（街道）": "草稿，尚未审批",
        "communities/east-town/draftleak-birch/profile.yml: 社区 ": "草稿，尚未审批",
        "communities/east-town/maple/pledges.yml: pledges[0]": "草稿，尚未审批",
        "communities/east-town/maple/activities.yml: activities[0]": "未填写发布状态（按草稿处理）",
        "communities/east-town/pine/pledges.yml: pledges[2]": "草稿，尚未审批",
        "communities/east-town/pine/pledges.yml: pledges[3]": "内部记录",
        "communities/east-town/pine/brands.yml: brands[1]": "草稿，尚未审批",
        "communities/east-town/pine/activities.yml: activities[1]": "草稿，尚未审批",
        "communities/east-town/pine/assessments.yml: 测评与验收记录": "内部记录",
    }
    assert len(held) == len(expected)
    for line in held:
        key = next(k for k in expected if line.startswith(f"暂不公开：{k}"))
        assert line.endswith(f": {expected[key]}"), line
    assert result.stdout.splitlines()[-1] == "通过：公开 2 个社区，计分 0 个，暂不公开 10 条记录，1 条警告"


def test_approval_needs_approver_and_date(tmp_path: Path) -> None:
    project = copy_project(TRUST, tmp_path / "p")
    pine = project / "communities" / "east-town" / "pine" / "pledges.yml"
    data = yaml.safe_load(pine.read_text(encoding="utf-8"))
    data["pledges"].append(pledge("half-approved", "只写了状态", publication={"state": "approved"}))
    write_yaml(pine, data)
    result = cli("check", "-p", str(project), "--as-of", AS_OF_ARG)
    assert result.exit_code == 1
    assert re.search(r"pledges\.yml:\d+: 承诺\[4\]\.发布状态\(publication\): 已审批（approved）的记录需要填写"
                     r"审批单位（approved_by）和审批日期（approved_on）", result.stderr), result.stderr


def test_item_approval_cannot_override_a_draft_file(tmp_path: Path) -> None:
    """提出—审核—审批 holds for the container too: an item approved on its own stays unpublished while its file
    is a draft (this was a side door until issue 13)."""
    project = copy_project(TRUST, tmp_path / "p")
    maple = project / "communities" / "east-town" / "maple" / "pledges.yml"
    data = yaml.safe_load(maple.read_text(encoding="utf-8"))
    data["pledges"].append(pledge("maple-approved", "单独审批的承诺", publication={
        "state": "approved", "approved_by": "东城街道党工委", "approved_on": data["pledges"][0]["published_on"]}))
    write_yaml(maple, data)
    out = tmp_path / "site"
    assert build(project, out).exit_code == 0
    text = b"".join(tree(out).values()).decode("utf-8", "replace")
    assert "单独审批的承诺" not in text and "DRAFTLEAK-file-draft" not in text


def test_public_view_drops_references_to_held_back_records() -> None:
    """The draft commendation (naming draft communities, a draft town and a draft brand) is held back without
    an error; the published one keeps its lists as written; model brands keep no unpublished brand."""
    from generator.pipeline import prepare

    result = prepare(TRUST, AS_OF)
    context = result.context
    assert context is not None and result.log.errors == []
    info = context.district.info
    assert [(cm.id, cm.communities, cm.brands) for cm in info.commendations] == [
        ("2026-pine-award", ["east-town/pine"], ["pine-garden"])]
    assert info.model_brands == ["pine-garden"]
    assert [t.id for t in context.district.towns] == ["east-town"]
    assert [c.id for c in context.district.communities()] == ["maple", "pine"]


def test_a_published_commendation_naming_an_unpublished_community_or_brand_is_a_located_error(
        tmp_path: Path) -> None:
    """Never narrowed silently (the honours page would show an empty recipient): each held-back key is an
    error at its own line: a draft community, a community of a draft town, a draft brand, a brand of a draft
    community."""
    district = "communities/district.yml"
    project = copy_project(TRUST, tmp_path / "p", {district: lambda t: t.replace(
        "    communities: [east-town/pine]\n    brands: [pine-garden]\n",
        "    communities:\n      - east-town/draftleak-birch\n      - east-town/pine\n      - draftleak-west/oak\n"
        "    brands:\n      - pine-garden\n      - draft-brand\n      - draftleak-birch-brand\n")})
    text = (project / district).read_text(encoding="utf-8")

    def line(entry: str) -> int:
        return text[: text.index(f"      - {entry}\n")].count("\n") + 1

    hint = "（提示：已公开的表彰只能列出已公开的记录：请先公开该记录，或把表彰保留为草稿）"
    result = cli("check", "-p", str(project), "--as-of", AS_OF_ARG)
    assert result.exit_code == 1
    assert [e for e in result.stderr.splitlines() if e.startswith("错误：")] == [
        f"错误：{district}:{line('east-town/draftleak-birch')}: 表彰[0].社区[0](communities):"
        f" 社区“east-town/draftleak-birch”尚未公开{hint}",
        f"错误：{district}:{line('draftleak-west/oak')}: 表彰[0].社区[2](communities):"
        f" 社区“draftleak-west/oak”尚未公开{hint}",
        f"错误：{district}:{line('draft-brand')}: 表彰[0].品牌[1](brands): 品牌“draft-brand”尚未公开{hint}",
        f"错误：{district}:{line('draftleak-birch-brand')}: 表彰[0].品牌[2](brands):"
        f" 品牌“draftleak-birch-brand”尚未公开{hint}",
    ]


def test_a_published_commendation_naming_nobody_is_a_located_error(tmp_path: Path) -> None:
    district = "communities/district.yml"
    project = copy_project(TRUST, tmp_path / "p", {district: lambda t: t.replace(
        "    communities: [east-town/pine]\n    brands: [pine-garden]\n", "")})
    text = (project / district).read_text(encoding="utf-8")
    line = text[: text.index("  - id: 2026-pine-award")].count("\n") + 1
    result = cli("check", "-p", str(project), "--as-of", AS_OF_ARG)
    assert result.exit_code == 1
    assert [e for e in result.stderr.splitlines() if e.startswith("错误：")] == [
        f"错误：{district}:{line}: 表彰[0](commendations): 已公开的表彰没有写明受表彰的社区或品牌"
        "（提示：请在 communities 或 brands 中列出受表彰对象）"]
