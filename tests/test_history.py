"""Record history from git: field-level changes survive a clean build, and "本次更新" compares the same versions."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from scoring_util import ALPHA
from support import AS_OF, FULL_MARKS, copy_project

from generator import urls
from generator.pipeline import run

PLEDGES = f"{ALPHA}/pledges.yml"


def git(project: Path, *args: str, day: str = "2026-01-01") -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": f"{day}T10:00:00+08:00", "GIT_COMMITTER_DATE": f"{day}T10:00:00+08:00",
           "GIT_AUTHOR_NAME": "测试", "GIT_AUTHOR_EMAIL": "office@example.org", "GIT_COMMITTER_NAME": "测试",
           "GIT_COMMITTER_EMAIL": "office@example.org", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "-C", str(project), *args], check=True, capture_output=True, env=env)


def edit(project: Path, old: str, new: str) -> None:
    file = project / PLEDGES
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """full_marks committed twice: the elder-meals pledge's due date moved from 2025-12-31 to 2026-03-31."""
    project = copy_project(FULL_MARKS, tmp_path / "project")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "first", day="2026-01-25")
    edit(project, "    due: 2025-12-31\n    milestones:\n      - {date: 2025-06-30, title: 完成选址",
         "    due: 2026-03-31\n    milestones:\n      - {date: 2025-06-30, title: 完成选址")
    git(project, "commit", "-q", "-am", "due date moved", day="2026-02-10")
    return project


def pages(project: Path, previous_site: Path | None = None) -> dict[str, str]:
    result = run(project, AS_OF, previous_site=previous_site)
    assert result.output is not None, [str(e) for e in result.log]
    return result.output.pages


def test_a_field_change_is_listed_with_its_date_and_both_values(repo: Path) -> None:
    history = pages(repo)[urls.source(urls.HISTORY)]
    assert "2026年2月10日 · 完成时限：2025-12-31 → 2026-03-31" in history
    assert "## 开办长者助餐点 {#record-pledge-nancheng-alpha-elder-meals}" in history


def test_a_clean_build_compares_with_the_previous_version_in_git(repo: Path) -> None:
    changes = pages(repo)[urls.source(urls.CHANGES)]
    assert "与 2026年1月25日的版本相比" in changes
    assert "开办长者助餐点" in changes and "修改记录" in changes


def test_a_clean_build_and_an_incremental_build_show_the_same_pages(repo: Path, tmp_path: Path) -> None:
    clean = pages(repo)
    stale = tmp_path / "old-site" / "data"
    stale.mkdir(parents=True)
    (stale / "manifest.json").write_text('{"format": 1, "as_of": "2020-01-01", "records": {}, "changes": []}',
                                         encoding="utf-8")
    incremental = pages(repo, previous_site=tmp_path / "old-site")
    for page in (urls.source(urls.CHANGES), urls.source(urls.HISTORY)):
        assert clean[page] == incremental[page]


def test_a_drafts_wording_never_reaches_the_history(repo: Path) -> None:
    edit(repo, "    title: 尚未审批的承诺", "    title: 草稿里改过的标题")
    git(repo, "commit", "-q", "-am", "draft edited", day="2026-03-01")
    history = pages(repo)[urls.source(urls.HISTORY)]
    assert "草稿里改过的标题" not in history and "尚未审批的承诺" not in history


def test_personal_information_in_an_old_value_is_never_shown(repo: Path) -> None:
    edit(repo, "    owner: 社区党委\n    published_via: [会议, 公开栏]",
         "    owner: 社区党委 13812345678\n    published_via: [会议, 公开栏]")
    git(repo, "commit", "-q", "-am", "phone added by mistake", day="2026-03-01")
    edit(repo, "    owner: 社区党委 13812345678", "    owner: 社区党委")
    git(repo, "commit", "-q", "-am", "phone removed", day="2026-03-02")
    history = pages(repo)[urls.source(urls.HISTORY)]
    assert "13812345678" not in history and "责任人" not in history


def test_outside_git_the_history_page_says_where_histories_come_from(tmp_path: Path) -> None:
    history = pages(copy_project(FULL_MARKS, tmp_path / "plain"))[urls.source(urls.HISTORY)]
    assert "没有可用的仓库历史" in history


def test_a_version_without_record_changes_says_so(repo: Path) -> None:
    about = repo / "content" / "about.md"
    about.parent.mkdir(exist_ok=True)
    about.write_text("# 关于\n\n说明文字。\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "about page only", day="2026-03-05")
    changes = pages(repo)[urls.source(urls.CHANGES)]
    assert "与 2026年2月10日的版本相比，公开记录没有变化。" in changes
