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
        f"{C}/pledges.yml:3: pledges[0].member: a member pledge (党员承诺) needs member details"
        " (hint: display_name, post and badge)",
    ),
    "completed_milestone_without_done_on": (
        "pledges.yml",
        APPROVED + "pledges:\n  - id: p1\n    kind: 组织承诺\n    title: 助餐\n    target: 全年\n    owner: 党委\n"
        "    published_via: [会议]\n    published_on: 2025-03-01\n    due: 2025-12-31\n"
        "    milestones:\n      - {date: 2025-06-30, title: 半年, status: 已完成}\n",
        f"{C}/pledges.yml:12: pledges[0].milestones[0].done_on: a completed milestone needs done_on",
    ),
    "survey_satisfied_exceeds_respondents": (
        "assessments.yml",
        APPROVED + "surveys:\n  - {date: 2025-06-01, topic: 满意度, respondents: 50, satisfied: 51}\n",
        f"{C}/assessments.yml:3: surveys[0].satisfied: cannot exceed respondents (50)",
    ),
    "report_submitted_in_the_future": (
        "assessments.yml",
        APPROVED + "reports:\n  - {period: 2026-H2, submitted_on: 2026-12-20, summary: 下半年报告}\n",
        f"{C}/assessments.yml:3: reports[0].submitted_on: date is in the future (today is 2026-11-27)",
    ),
    "brand_review_in_the_wrong_year": (
        "brands.yml",
        APPROVED + "brands:\n  - id: b1\n    name: 品牌\n    theme: 养老\n    summary: 简介\n    started: 2025-01-01\n"
        "    years:\n      - year: 2025\n        plan: {date: 2024-12-20, summary: 计划}\n",
        f"{C}/brands.yml:10: brands[0].years[0].plan.date: date 2024-12-20 does not belong to year 2025",
    ),
    "image_outside_the_community_folder": (
        "brands.yml",
        APPROVED + "brands:\n  - id: b1\n    name: 品牌\n    theme: 养老\n    summary: 简介\n    started: 2025-01-01\n"
        "    images:\n      - {file: images/../../../secret.png, alt: 图}\n",
        f"{C}/brands.yml:9: brands[0].images[0].file: image must be inside the community's folder",
    ),
    "missing_image": (
        "brands.yml",
        APPROVED + "brands:\n  - id: b1\n    name: 品牌\n    theme: 养老\n    summary: 简介\n    started: 2025-01-01\n"
        "    images:\n      - {file: images/none.png, alt: 图}\n",
        f"{C}/brands.yml:9: brands[0].images[0].file: image file not found: images/none.png"
        f" (hint: put it in {C}/images/)",
    ),
    "in_service_participants_exceed_registered": (
        "activities.yml",
        APPROVED + "activities:\n  - {date: 2025-03-08, type: 在职党员进社区, title: 认岗, participants: 9,"
        " in_service_participants: 9}\n",
        f"{C}/activities.yml:3: activities[0].in_service_participants: exceeds the in-service members"
        " registered in that period (5)",
    ),
    "activity_dated_in_the_future": (
        "activities.yml",
        APPROVED + "activities:\n  - {date: 2026-12-05, type: 集中服务, title: 服务, participants: 9}\n",
        f"{C}/activities.yml:3: activities[0].date: activity date is in the future (today is 2026-11-27)"
        " (hint: record activities after they happen)",
    ),
    "acceptance_before_its_period": (
        "assessments.yml",
        APPROVED + "acceptance:\n  - {date: 2025-06-20, period: 2025-H2, team: 验收组}\n",
        f"{C}/assessments.yml:3: acceptance[0].date: acceptance cannot take place before its period starts"
        " (2025-07-01)",
    ),
    "unapproved_record_missing_approver": (
        "activities.yml",
        "publication: {state: approved}\nactivities: []\n",
        f"{C}/activities.yml:1: publication: an approved record needs approved_by and approved_on",
    ),
    "typo_in_survey_key": (
        "assessments.yml",
        APPROVED + "surveys:\n  - {date: 2025-06-01, topic: 满意度, respondents: 50, satisfied: 45, satisfation: 90}\n",
        f"{C}/assessments.yml:3: surveys[0].satisfation: unknown key (hint: did you mean 'satisfied'?)",
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
    assert result.stderr.splitlines() == [f"error: {expected}", "1 problem(s) found; nothing was built."]


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
        "error: communities/demo-town/other/brands.yml:3: brands[0].id: brand id 'shared' is already used"
        " (in demo-town/demo-community); brand links must be unique")


ROLES = "  roles: [书记, 副书记, 居委会副主任, 组织委员, 宣传委员, 社区工作者1, 社区工作者2, 社区工作者3]\n"
TRAINING = "    - {title: 社区干部集中培训, start: 2025-03-03, days: 7, attended: 全体}\n"
POSTS = "书记, 副书记, 居委会副主任, 组织委员, 宣传委员, 社区工作者1, 社区工作者2, 社区工作者3"
CADRE_SCENARIOS = {
    "a_post_missing_from_roles": (
        ROLES, ROLES.replace(", 社区工作者3]", "]"),
        f"{C}/profile.yml:10: cadres.roles: lists 7 cadres, but cadres.total is 8 (hint: list every cadre once, "
        "by post)"),
    "a_name_instead_of_a_post": (
        ROLES, ROLES.replace("社区工作者3", "王小明"),
        f"{C}/profile.yml:10: cadres.roles[7]: expected a cadre's post, never a name (hint: e.g. 书记, 居委会主任, "
        "委员, 社区工作者2; number cadres who share a post)"),
    "a_post_listed_twice": (
        ROLES, ROLES.replace("社区工作者3", "社区工作者2"),
        f"{C}/profile.yml:10: cadres.roles[7]: post '社区工作者2' is listed twice (hint: number cadres who share a "
        "post, e.g. 社区工作者1, 社区工作者2)"),
    "a_training_without_attended": (
        TRAINING, TRAINING.replace(", attended: 全体", ""),
        f"{C}/profile.yml:12: cadres.trainings[0].attended: required field is missing"),
    "a_training_naming_an_unknown_post": (
        TRAINING, TRAINING.replace("attended: 全体", "attended: [书记, 主任]"),
        f"{C}/profile.yml:12: cadres.trainings[0].attended[1]: unknown post '主任' (hint: cadres.roles lists: "
        f"{POSTS})"),
    "all_cadres_and_posts_at_once": (
        TRAINING, TRAINING.replace("attended: 全体", "attended: [全体, 书记]"),
        f"{C}/profile.yml:12: cadres.trainings[0].attended[0]: 全体 (every cadre) cannot be combined with posts"),
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
    assert result.stderr.splitlines() == [f"error: {expected}", "1 problem(s) found; nothing was built."]
