"""Cross-record validation, one small scenario each, with the exact error text."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import AS_OF_ARG, cli

C = "communities/demo-town/demo-community"
APPROVED = "publication: {state: approved, approved_by: 测试街道党工委, approved_on: 2025-02-01}\n"

SCENARIOS = {
    "member_pledge_without_member": (
        "pledges.yml",
        APPROVED + "pledges:\n  - id: p1\n    kind: 党员承诺\n    title: 帮扶\n    target: 每月走访\n    owner: 党员\n"
        "    published_via: [公开栏]\n    published_on: 2025-03-01\n    due: 2025-12-31\n",
        f"{C}/pledges.yml:3: 承诺[0].党员信息(member): 党员承诺需填写党员信息（member）"
        "（提示：公示姓名（display_name）、岗位（post）和挂牌上岗（badge））",
    ),
    "completed_milestone_without_done_on": (
        "pledges.yml",
        APPROVED + "pledges:\n  - id: p1\n    kind: 组织承诺\n    title: 助餐\n    target: 全年\n    owner: 党委\n"
        "    published_via: [会议]\n    published_on: 2025-03-01\n    due: 2025-12-31\n"
        "    milestones:\n      - {date: 2025-06-30, title: 半年, status: 已完成}\n",
        f"{C}/pledges.yml:12: 承诺[0].进度节点[0].完成日期(done_on): 已完成的进度节点需填写完成日期（done_on）",
    ),
    "survey_satisfied_exceeds_respondents": (
        "assessments.yml",
        APPROVED + "surveys:\n  - {date: 2025-06-01, topic: 满意度, respondents: 50, satisfied: 51}\n",
        f"{C}/assessments.yml:3: 满意度调查[0].满意人数(satisfied): 不能超过受访人数（50）",
    ),
    "report_submitted_in_the_future": (
        "assessments.yml",
        APPROVED + "reports:\n  - {period: 2026-H2, submitted_on: 2026-12-20, summary: 下半年报告}\n",
        f"{C}/assessments.yml:3: 半年报告[0].报送日期(submitted_on): 日期晚于今天（2026-11-27）",
    ),
    "brand_review_in_the_wrong_year": (
        "brands.yml",
        APPROVED + "brands:\n  - id: b1\n    name: 品牌\n    theme: 养老\n    summary: 简介\n    started: 2025-01-01\n"
        "    years:\n      - year: 2025\n        plan: {date: 2024-12-20, summary: 计划}\n",
        f"{C}/brands.yml:10: 品牌[0].年度记录[0].年初计划.日期(date): 日期 2024-12-20 不属于 2025 年度",
    ),
    "image_outside_the_community_folder": (
        "brands.yml",
        APPROVED + "brands:\n  - id: b1\n    name: 品牌\n    theme: 养老\n    summary: 简介\n    started: 2025-01-01\n"
        "    images:\n      - {file: images/../../../secret.png, alt: 图}\n",
        f"{C}/brands.yml:9: 品牌[0].图片[0].文件(file): 图片必须放在本社区的文件夹内",
    ),
    "missing_image": (
        "brands.yml",
        APPROVED + "brands:\n  - id: b1\n    name: 品牌\n    theme: 养老\n    summary: 简介\n    started: 2025-01-01\n"
        "    images:\n      - {file: images/none.png, alt: 图}\n",
        f"{C}/brands.yml:9: 品牌[0].图片[0].文件(file): 找不到图片文件：images/none.png"
        f"（提示：请把图片放到 {C}/images/ 中）",
    ),
    "in_service_participants_exceed_registered": (
        "activities.yml",
        APPROVED + "activities:\n  - {date: 2025-03-08, type: 在职党员进社区, title: 认岗, participants: 9,"
        " in_service_participants: 9}\n",
        f"{C}/activities.yml:3: 活动[0].其中在职党员(in_service_participants): 超过了该半年度登记的在职党员人数（5）",
    ),
    "activity_dated_in_the_future": (
        "activities.yml",
        APPROVED + "activities:\n  - {date: 2026-12-05, type: 集中服务, title: 服务, participants: 9}\n",
        f"{C}/activities.yml:3: 活动[0].活动日期(date): 活动日期晚于今天（2026-11-27）（提示：活动开展以后再登记）",
    ),
    "acceptance_before_its_period": (
        "assessments.yml",
        APPROVED + "acceptance:\n  - {date: 2025-06-20, period: 2025-H2, team: 验收组}\n",
        f"{C}/assessments.yml:3: 验收[0].验收日期(date): 验收日期不能早于所验收半年度的开始日期（2025-07-01）",
    ),
    "unapproved_record_missing_approver": (
        "activities.yml",
        "publication: {state: approved}\nactivities: []\n",
        f"{C}/activities.yml:1: 发布状态(publication): 已审批（approved）的记录需要填写审批单位（approved_by）"
        "和审批日期（approved_on）",
    ),
    "typo_in_survey_key": (
        "assessments.yml",
        APPROVED + "surveys:\n  - {date: 2025-06-01, topic: 满意度, respondents: 50, satisfied: 45, satisfation: 90}\n",
        f"{C}/assessments.yml:3: 满意度调查[0].satisfation: 未知字段（提示：是否应为“satisfied”？）",
    ),
}

MEMBERS = APPROVED + ("members:\n  - {period: 2025-H1, self_managed: 20, in_service: 5, floating: 2, total: 27,"
                      " relation_in_community: 22, participating: 15}\n")


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_scenario(scenario: str, project_copy) -> None:  # type: ignore[no-untyped-def]
    file, text, expected = SCENARIOS[scenario]
    root: Path = project_copy("minimal")
    (root / C / "members.yml").write_text(MEMBERS, encoding="utf-8")
    (root / C / file).write_text(text, encoding="utf-8")
    result = cli("check", "-p", str(root), "--as-of", AS_OF_ARG)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"错误：{expected}", "发现 1 处问题，未生成任何内容。"]


def test_duplicate_brand_id_across_communities(project_copy) -> None:  # type: ignore[no-untyped-def]
    root: Path = project_copy("minimal")
    other = root / "communities/demo-town/other"
    other.mkdir()
    profile = (root / C / "profile.yml").read_text(encoding="utf-8").replace("name: 示例社区", "name: 另一社区")
    (other / "profile.yml").write_text(profile, encoding="utf-8")
    brand = APPROVED + ("brands:\n  - id: shared\n    name: 品牌\n    theme: 养老\n    summary: 简介\n"
                        "    started: 2025-01-01\n")
    (root / C / "brands.yml").write_text(brand, encoding="utf-8")
    (other / "brands.yml").write_text(brand, encoding="utf-8")
    result = cli("check", "-p", str(root), "--as-of", AS_OF_ARG)
    assert result.stderr.splitlines()[0] == (
        "错误：communities/demo-town/other/brands.yml:3: 品牌[0].品牌编号(id): 品牌编号“shared”已被使用"
        "（见 demo-town/demo-community），品牌链接必须唯一")


ROLES = "  roles: [书记, 副书记, 居委会副主任, 组织委员, 宣传委员, 社区工作者1, 社区工作者2, 社区工作者3]\n"
TRAINING = "    - {title: 社区干部集中培训, start: 2025-03-03, days: 7, attended: 全体}\n"
POSTS = "书记、副书记、居委会副主任、组织委员、宣传委员、社区工作者1、社区工作者2、社区工作者3"
CADRE_SCENARIOS = {
    "a_post_missing_from_roles": (
        ROLES, ROLES.replace(", 社区工作者3]", "]"),
        f"{C}/profile.yml:10: 社区干部.岗位(roles): 列出了 7 名干部，但干部总数（cadres.total）为 8"
        "（提示：每名干部按岗位列出一次）"),
    "a_name_instead_of_a_post": (
        ROLES, ROLES.replace("社区工作者3", "王小明"),
        f"{C}/profile.yml:10: 社区干部.岗位[7](roles): 应为社区干部的岗位，不能写姓名（提示：例如 书记、居委会主任、"
        "委员、社区工作者2；同一岗位有多人时加序号）"),
    "a_post_listed_twice": (
        ROLES, ROLES.replace("社区工作者3", "社区工作者2"),
        f"{C}/profile.yml:10: 社区干部.岗位[7](roles): 岗位“社区工作者2”重复列出（提示：同一岗位有多人时加序号，"
        "例如 社区工作者1、社区工作者2）"),
    "a_training_without_attended": (
        TRAINING, TRAINING.replace(", attended: 全体", ""),
        f"{C}/profile.yml:12: 社区干部.培训[0].参加岗位(attended): 缺少必填项"),
    "a_training_naming_an_unknown_post": (
        TRAINING, TRAINING.replace("attended: 全体", "attended: [书记, 主任]"),
        f"{C}/profile.yml:12: 社区干部.培训[0].参加岗位[1](attended): 未知岗位“主任”"
        f"（提示：岗位（cadres.roles）中列有：{POSTS}）"),
    "all_cadres_and_posts_at_once": (
        TRAINING, TRAINING.replace("attended: 全体", "attended: [全体, 书记]"),
        f"{C}/profile.yml:12: 社区干部.培训[0].参加岗位[0](attended): “全体”（全体干部）不能与具体岗位同时填写"),
}


@pytest.mark.parametrize("scenario", sorted(CADRE_SCENARIOS))
def test_cadres_are_listed_by_post_and_each_training_names_who_attended(scenario: str,
                                                                        project_copy) -> None:  # type: ignore[no-untyped-def]
    old, new, expected = CADRE_SCENARIOS[scenario]
    root: Path = project_copy("minimal")
    profile = root / C / "profile.yml"
    text = profile.read_text(encoding="utf-8")
    assert old in text
    profile.write_text(text.replace(old, new), encoding="utf-8")
    result = cli("check", "-p", str(root), "--as-of", AS_OF_ARG)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"错误：{expected}", "发现 1 处问题，未生成任何内容。"]
