"""`dangjian check`: every problem in one run, located, exact text, non-zero exit."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import AS_OF_ARG, MINIMAL, TEN_MISTAKES, cli

# What the command line prints around each message (generator/messages/cli.yml), in Chinese by default ...
ERROR_ZH = "错误："
TEN_FOUND_ZH = "发现 10 处问题，未生成任何内容。"
# ... and in English (DANGJIAN_LANG=en).
ERROR_EN = "error: "
TEN_FOUND_EN = "10 problem(s) found; nothing was built."

# The ten record mistakes, each located (file:line: field: message), in the default language ...
TEN_ERRORS_ZH = [
    "communities/demo-town/broken/activities.yml:7: 活动[0].参加人数(participants):"
    " 字段“participants”重复（第一次出现在第 6 行）",
    "communities/demo-town/broken/brands.yml:3: 品牌[0].品牌编号(id): 应为由小写字母、数字和连字符组成的编号"
    "（提示：例如 elderly-care）",
    "communities/demo-town/broken/pledges.yml:8: 承诺[0].thme: 未知字段（提示：是否应为“theme”？）",
    "communities/demo-town/broken/profile.yml:3: 组织类型(org_type): 应为以下之一：社区党委、社区党总支、社区党支部",
    "communities/demo-town/broken/profile.yml:4: 书记.一肩挑(also_director): 应为 true 或 false"
    "（提示：yes、no、on、off 等词在这里按文字读取）",
    "communities/demo-town/broken/profile.yml:13: 项目周期[0].立项日期(declared_on): 应为日期，例如 2026-06-30"
    "（提示：日期不加引号，写成 年-月-日）",
    "communities/demo-town/inconsistent/activities.yml:6: 活动[0].参加人数(participants):"
    " 参加人数（80）超过了该半年度社区的党员总数（60）（提示：只统计党员）",
    "communities/demo-town/inconsistent/activities.yml:7: 活动[1].活动日期(date): 日期不在项目周期内"
    "（提示：项目周期为 2025-01-01 至 2026-12-31）",
    "communities/demo-town/inconsistent/members.yml:7: 党员情况[0].党员总数(total):"
    " 各类党员人数相加为 40 + 20 + 5 = 65，与党员总数 60 不符",
    "communities/demo-town/inconsistent/pledges.yml:12: 承诺[0].进度节点[0].计划日期(date):"
    " 进度节点晚于承诺的完成时限（2025-10-31）",
]
# ... and in English (DANGJIAN_LANG=en).
TEN_ERRORS_EN = [
    "communities/demo-town/broken/activities.yml:7: activities[0].participants: duplicate key 'participants'"
    " (first defined on line 6)",
    "communities/demo-town/broken/brands.yml:3: brands[0].id: expected an id of lowercase letters,"
    " digits and hyphens (hint: e.g. elderly-care)",
    "communities/demo-town/broken/pledges.yml:8: pledges[0].thme: unknown key (hint: did you mean 'theme'?)",
    "communities/demo-town/broken/profile.yml:3: org_type: expected one of: 社区党委, 社区党总支 or 社区党支部",
    "communities/demo-town/broken/profile.yml:4: secretary.also_director: expected true or false"
    " (hint: YAML words such as yes/no/on/off are read as text here)",
    "communities/demo-town/broken/profile.yml:13: cycles[0].declared_on: expected a date like 2026-06-30"
    " (hint: write the date without quotes, as YYYY-MM-DD)",
    "communities/demo-town/inconsistent/activities.yml:6: activities[0].participants: participants (80)"
    " exceed the community's members (60) in that period (hint: count Party members only)",
    "communities/demo-town/inconsistent/activities.yml:7: activities[1].date: date is outside the project"
    " cycle (hint: the cycle runs 2025-01-01 to 2026-12-31)",
    "communities/demo-town/inconsistent/members.yml:7: members[0].total: counts do not add up:"
    " 40 + 20 + 5 = 65, not 60",
    "communities/demo-town/inconsistent/pledges.yml:12: pledges[0].milestones[0].date: milestone is after"
    " the pledge's due date (2025-10-31)",
]


@pytest.mark.parametrize(("env", "flags", "prefix", "expected", "summary"), [
    ({}, [], ERROR_ZH, TEN_ERRORS_ZH, TEN_FOUND_ZH),
    ({"DANGJIAN_LANG": "en"}, [], ERROR_EN, TEN_ERRORS_EN, TEN_FOUND_EN),
    ({}, ["--lang", "en"], ERROR_EN, TEN_ERRORS_EN, TEN_FOUND_EN),
    ({"DANGJIAN_LANG": "en"}, ["--lang", "zh"], ERROR_ZH, TEN_ERRORS_ZH, TEN_FOUND_ZH),
], ids=["zh", "en-env", "en-flag", "flag-over-env"])
def test_ten_mistakes_give_ten_located_errors(env: dict[str, str], flags: list[str], prefix: str,
                                              expected: list[str], summary: str) -> None:
    result = cli("check", "-p", str(TEN_MISTAKES), "--as-of", AS_OF_ARG, *flags, env=env)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [prefix + line for line in expected] + [summary]
    assert "Traceback" not in result.output


def test_clean_project_passes_and_lists_held_back_records() -> None:
    result = cli("check", "-p", str(MINIMAL), "--as-of", AS_OF_ARG)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines == [
        "暂不公开：communities/demo-town/demo-community/pledges.yml: pledges[1] 草稿承诺不应公开: 草稿，尚未审批",
        "通过：公开 1 个社区，计分 0 个，暂不公开 1 条记录，0 条警告",
    ]


def test_build_refuses_bad_data_and_keeps_previous_site(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("previous", encoding="utf-8")
    result = cli("build", "-p", str(TEN_MISTAKES), "--as-of", AS_OF_ARG, "-o", str(site))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "发现 10 处问题，网站未生成（原网站保持不变）。"
    assert [p.name for p in site.iterdir()] == ["index.html"]
    assert (site / "index.html").read_text(encoding="utf-8") == "previous"


def test_bad_as_of_is_a_usage_error() -> None:
    result = cli("check", "--as-of", "2026/11/27")
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == "错误：'--as-of' 的值无效：应为日期，例如 2026-06-30"


def test_unknown_record_file_and_bad_folder_name(project_copy) -> None:  # type: ignore[no-untyped-def]
    root: Path = project_copy("minimal")
    community = root / "communities" / "demo-town" / "demo-community"
    (community / "pledge.yml").write_text("pledges: []\n", encoding="utf-8")
    (root / "communities" / "demo-town" / "Bad_Name").mkdir()
    result = cli("check", "-p", str(root), "--as-of", AS_OF_ARG)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        "错误：communities/demo-town/Bad_Name: 文件夹名必须是英文编号（小写字母、数字、连字符）"
        "（提示：文件夹名会成为网址的一部分，例如 qinghe）",
        "错误：communities/demo-town/demo-community/pledge.yml: 未知的记录文件（提示：应为以下之一："
        "profile.yml、members.yml、pledges.yml、brands.yml、activities.yml、assessments.yml）",
    ]


def test_dangling_commendation_reference(project_copy) -> None:  # type: ignore[no-untyped-def]
    root: Path = project_copy("minimal")
    district = root / "communities" / "district.yml"
    district.write_text(district.read_text(encoding="utf-8") + (
        "commendations:\n"
        "  - id: c2026\n    title: 先进社区党组织\n    document_no: 测组通〔2026〕1号\n    date: 2026-07-01\n"
        "    communities: [demo-town/nowhere]\n    brands: [no-such-brand]\n    reason: 成效明显\n"), encoding="utf-8")
    result = cli("check", "-p", str(root), "--as-of", AS_OF_ARG)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        "错误：communities/district.yml:9: 表彰[0].社区[0](communities): 未知社区“demo-town/nowhere”",
        "错误：communities/district.yml:10: 表彰[0].品牌[0](brands): 未知品牌“no-such-brand”",
    ]


def test_syntax_error_in_profile_is_reported_once(project_copy) -> None:  # type: ignore[no-untyped-def]
    root: Path = project_copy("minimal")
    (root / "communities/demo-town/demo-community/profile.yml").write_text("name: [broken\n", encoding="utf-8")
    result = cli("check", "-p", str(root), "--as-of", AS_OF_ARG)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and lines[1] == "发现 1 处问题，未生成任何内容。"
    assert lines[0] == "错误：communities/demo-town/demo-community/profile.yml:2: YAML 格式错误：缩进不对齐"


def test_control_characters_in_messages_are_escaped(project_copy) -> None:  # type: ignore[no-untyped-def]
    root: Path = project_copy("minimal")
    pledges = root / "communities/demo-town/demo-community/pledges.yml"
    pledges.write_text('"evil\\u001b[2Jkey": 1\n', encoding="utf-8")
    result = cli("check", "-p", str(root), "--as-of", AS_OF_ARG)
    assert result.stderr.splitlines()[0] == (
        "错误：communities/demo-town/demo-community/pledges.yml:1: evil\\x1b[2Jkey: 未知字段"
        "（提示：可用的字段：publication、pledges）")
