"""Frozen results: once published a result changes only through a dated, reasoned correction that the site shows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from scoring_util import ALPHA, prepared
from support import AS_OF_ARG, FULL_MARKS, cli, copy_project

from generator import urls

RESULTS = "communities/results/2025-H2.yml"
CORRECTION = """  - community: nancheng/alpha
    date: 2026-11-20
    reason: 复核发现书记未兼任居委会主任,第2项按实际情况计分
    approved_by: 测试区委组织部
    document_no: 测组通〔2026〕9号
    total: '97'
"""


@pytest.fixture
def frozen(tmp_path: Path) -> Path:
    project = copy_project(FULL_MARKS, tmp_path / "project")
    result = cli("freeze", "2025-H2", "-p", str(project), "--as-of", AS_OF_ARG)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"已固定：2025-H2 的 1 个结果写入 {RESULTS}；请提交此文件。\n"
    return project


def build(project: Path, out: Path) -> tuple[int, str]:
    result = cli("build", "-p", str(project), "--as-of", AS_OF_ARG, "-o", str(out))
    return result.exit_code, result.output


def not_one_shoulder(project: Path) -> None:
    """Today's profile says the secretary is not also the director: item 2 drops from 6 to 3."""
    profile = project / ALPHA / "profile.yml"
    profile.write_text(profile.read_text(encoding="utf-8").replace("also_director: true", "also_director: false"),
                       encoding="utf-8")


def total_line(project: Path) -> int:
    lines = (project / RESULTS).read_text(encoding="utf-8").split("\n")
    return next(n for n, line in enumerate(lines, start=1) if line.startswith("  total:"))


def test_the_frozen_file_keeps_every_number_and_word_and_the_rubric_hash(frozen: Path) -> None:
    data = yaml.safe_load((frozen / RESULTS).read_text(encoding="utf-8"))
    assert data["period"] == "2025-H2" and len(data["rubric_sha256"]) == 64 and data["corrections"] == []
    [alpha] = data["results"]
    assert (alpha["community"], alpha["total"], alpha["grade"], alpha["rank_in_district"]) == (
        "nancheng/alpha", "100", "优秀", 1)
    assert len(alpha["items"]) == 23 and all(i["explanation"] for i in alpha["items"])
    assert (frozen / RESULTS).read_text(encoding="utf-8").startswith("# 2025年下半年考评结果 — 已冻结")


def test_a_later_build_publishes_the_frozen_result_and_says_it_is_frozen(frozen: Path, tmp_path: Path) -> None:
    code, output = build(frozen, tmp_path / "site")
    assert code == 0, output
    page = (tmp_path / "site" / urls.period_score("nancheng", "alpha", "2025-H2") / "index.html").read_text("utf-8")
    assert "本期结果已于2026年11月27日冻结" in page
    data = json.loads((tmp_path / "site" / urls.SCORES_JSON).read_text(encoding="utf-8"))
    assert (data["results"][0]["frozen_on"], data["results"][0]["correction"]) == ("2026-11-27", None)


def test_changing_a_profile_fact_cannot_silently_change_a_frozen_result(frozen: Path) -> None:
    not_one_shoulder(frozen)
    errors = [str(e) for e in prepared(frozen).log.errors]
    assert errors == [
        f"{RESULTS}:{total_line(frozen)}: 结果[0].总分(total): 阿尔法社区已冻结的 2025-H2 考评结果为 100，"
        "但按现在的记录计算为 97（总分 100 → 97；第 2 项 6 → 3）（提示：如果新结果正确，请在"
        f" {RESULTS} 中添加一条更正（community、date、reason、approved_by，total 为 97）；否则请恢复记录）"]


def test_the_build_fails_and_leaves_the_published_site_alone(frozen: Path, tmp_path: Path) -> None:
    assert build(frozen, tmp_path / "site")[0] == 0
    before = (tmp_path / "site" / urls.SCORES_JSON).read_bytes()
    not_one_shoulder(frozen)
    code, output = build(frozen, tmp_path / "site")
    assert code == 1 and f"错误：{RESULTS}:{total_line(frozen)}: 结果[0].总分(total): 阿尔法社区已冻结的 2025-H2" \
        " 考评结果为 100，但按现在的记录计算为 97（总分 100 → 97；第 2 项 6 → 3）" in output
    assert (tmp_path / "site" / urls.SCORES_JSON).read_bytes() == before


def test_a_correction_is_shown_in_all_four_places(frozen: Path, tmp_path: Path) -> None:
    not_one_shoulder(frozen)
    file = frozen / RESULTS
    file.write_text(file.read_text(encoding="utf-8").replace("corrections: []\n", "corrections:\n" + CORRECTION),
                    encoding="utf-8")
    code, output = build(frozen, tmp_path / "site")
    assert code == 0, output
    site = tmp_path / "site"
    score = (site / urls.period_score("nancheng", "alpha", "2025-H2") / "index.html").read_text("utf-8")
    assert ("<p><strong>本期结果已更正。</strong>原结果：100分，优秀，全区第1名；2026年11月20日经测试区委组织部批准"
            "更正为 97分（测组通〔2026〕9号）。</p>") in score
    assert "<p>更正理由：复核发现书记未兼任居委会主任,第2项按实际情况计分</p>" in score
    ranking = (site / urls.RANKING / "index.html").read_text("utf-8")
    assert "（已更正，原100分）" in ranking
    data = json.loads((site / urls.SCORES_JSON).read_text(encoding="utf-8"))
    assert data["results"][0]["total"] == 97
    assert data["results"][0]["correction"] == {
        "original_total": 100, "original_grade": "优秀", "original_rank_in_district": 1, "date": "2026-11-20",
        "reason": "复核发现书记未兼任居委会主任,第2项按实际情况计分", "approved_by": "测试区委组织部",
        "document_no": "测组通〔2026〕9号"}
    feed = (site / urls.FEED).read_text(encoding="utf-8")
    assert "<title>考评结果更正：阿尔法社区2025年下半年</title>" in feed
    assert "原100分，经测试区委组织部批准更正为97分（测组通〔2026〕9号）。理由：复核发现" in feed


def test_a_correction_for_another_value_does_not_excuse_the_change(frozen: Path) -> None:
    not_one_shoulder(frozen)
    file = frozen / RESULTS
    file.write_text(file.read_text(encoding="utf-8").replace("corrections: []\n", "corrections:\n"
                                                            + CORRECTION.replace("total: '97'", "total: '98'")),
                    encoding="utf-8")
    log = prepared(frozen).log
    assert [e.message.text() for e in log.errors] == [
        "阿尔法社区已冻结的 2025-H2 考评结果为 100，但按现在的记录计算为 97（总分 100 → 97；第 2 项 6 → 3）"]
    assert [w.message.text() for w in log.warnings] == ["nancheng/alpha 的更正（total 98）没有对应的结果变化"]


def test_the_published_words_are_the_frozen_ones(frozen: Path, tmp_path: Path) -> None:
    """A new wording of an explanation (say, after an upgrade) does not rewrite a published page."""
    file = frozen / RESULTS
    data = file.read_text(encoding="utf-8")
    explanation = yaml.safe_load(data)["results"][0]["items"][0]["explanation"]
    file.write_text(data.replace(explanation, "冻结时的说明文字", 1), encoding="utf-8")
    assert build(frozen, tmp_path / "site")[0] == 0
    page = (tmp_path / "site" / urls.period_score("nancheng", "alpha", "2025-H2") / "index.html").read_text("utf-8")
    assert "冻结时的说明文字" in page and explanation not in page


def test_a_period_is_frozen_once(frozen: Path) -> None:
    result = cli("freeze", "2025-H2", "-p", str(frozen), "--as-of", AS_OF_ARG)
    assert result.exit_code == 1
    assert result.stderr == (f"错误：{RESULTS}：2025-H2 的结果已经固定"
                             "（提示：已公布的结果只能通过该文件中的更正来修改）\n")


def test_a_frozen_result_cannot_disappear(frozen: Path) -> None:
    assessments = frozen / ALPHA / "assessments.yml"
    assessments.write_text(assessments.read_text(encoding="utf-8").replace("period: 2025-H2", "period: 2026-H1"),
                           encoding="utf-8")
    messages = [e.message.text() for e in prepared(frozen).log.errors]
    assert "阿尔法社区（nancheng/alpha）已冻结的 2025-H2 考评结果已无法由公开记录得出" in messages


def test_the_file_must_be_named_for_its_period(frozen: Path) -> None:
    (frozen / RESULTS).rename(frozen / "communities/results/2025-H1.yml")
    assert "communities/results/2025-H1.yml: 半年度(period): 文件名为 2025-H1.yml，但其中的半年度（period）为 2025-H2" \
           "（提示：请把文件命名为 2025-H2.yml）" in [str(e) for e in prepared(frozen).log.errors]


def test_a_fact_change_dated_today_leaves_every_frozen_page_byte_identical(frozen: Path, tmp_path: Path) -> None:
    """The 一肩挑 ends today (a dated change): the frozen 2025-H2 pages and open data do not move by one byte."""
    assert build(frozen, tmp_path / "before")[0] == 0
    profile = frozen / ALPHA / "profile.yml"
    change = "\nchanges:\n  - {since: 2026-11-27, note: 换届, secretary: {also_director: false}}\npublication:"
    profile.write_text(profile.read_text(encoding="utf-8").replace("\npublication:", change, 1), encoding="utf-8")
    code, output = build(frozen, tmp_path / "after")
    assert code == 0, output
    for page in (urls.period_score("nancheng", "alpha", "2025-H2"), urls.community_score("nancheng", "alpha")):
        assert (tmp_path / "after" / page / "index.html").read_bytes() == \
            (tmp_path / "before" / page / "index.html").read_bytes(), page

    def period_table(site: Path) -> str:  # the district indicators above it are today's facts, so they may move
        html = (site / urls.RANKING / "index.html").read_text(encoding="utf-8")
        start = html.index('id="period-2025-H2"')
        return html[start:html.index("</table>", start)]

    assert period_table(tmp_path / "after") == period_table(tmp_path / "before")
    before = json.loads((tmp_path / "before" / urls.SCORES_JSON).read_text(encoding="utf-8"))["results"]
    after = json.loads((tmp_path / "after" / urls.SCORES_JSON).read_text(encoding="utf-8"))["results"]
    assert after == before
