"""Valid HTML: the Nu Html Checker (npm vnu-jar) reports 0 errors on every page of the built sites.

Checked: the sample district (every HTML file, including 404.html and redirect pages) and the trust
fixture rebuilt after a change, so the "本次更新" page is checked with its lists.
Install the checker with scripts/setup-test-tools.sh (Debian's Java, npm's vnu-jar).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from support import AS_OF_ARG, REPO, TRUST, cli, copy_project
from trust_util import build

VNU = REPO / "tests" / "tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def nu_errors(files: list[Path]) -> list[str]:
    java = shutil.which("java")
    if java is None:
        pytest.skip("java is not installed: the Nu Html Checker needs it (run scripts/setup-test-tools.sh)")
    assert VNU.is_file(), f"{VNU} is missing: run scripts/setup-test-tools.sh"
    proc = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
                          capture_output=True, text=True, timeout=600, check=False)
    report = json.loads(proc.stderr or proc.stdout)
    return [f"{m.get('url', '').rsplit('/site', 1)[-1]}:{m.get('lastLine', '?')}: {m['message']}"
            for m in report["messages"] if m.get("type") in ("error", "non-document-error")]


def test_sample_district_is_valid_html(tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = cli("build", "-p", str(REPO), "--as-of", AS_OF_ARG, "-o", str(out))
    assert result.exit_code == 0, result.output
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 20
    assert nu_errors(pages) == []


def test_changes_page_with_entries_is_valid_html(tmp_path: Path) -> None:
    project = copy_project(TRUST, tmp_path / "project")
    out = tmp_path / "site"
    assert build(project, out).exit_code == 0
    pledges = project / "communities" / "east-town" / "pine" / "pledges.yml"
    pledges.write_text(pledges.read_text(encoding="utf-8").replace("为高龄老人", "为八十岁以上老人"), encoding="utf-8")
    (project / "communities" / "east-town" / "pine" / "activities.yml").unlink()
    assert build(project, out).exit_code == 0
    page = out / "changes" / "index.html"
    assert "为八十岁以上老人" in page.read_text(encoding="utf-8")
    assert nu_errors([page, out / "index.html", out / "404.html"]) == []
