"""The site engine and its theme are named in engine/ only, and never in what staff read."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from support import REPO, TRUST, copy_project
from trust_util import build

THEME_MARKUP = re.compile(r"""["'][^"']*\b(?:md-[a-z]|data-md-)""")


def test_theme_markup_is_named_in_the_engine_folder_only() -> None:
    """Material's classes and attributes (md-*, data-md-*) appear in generator/engine/ and nowhere else."""
    files = subprocess.run(["git", "ls-files", "generator"], cwd=REPO, capture_output=True, text=True,
                           check=True).stdout.split()
    found = [f"{rel}:{n}"
             for rel in files if rel.endswith((".py", ".j2")) and not rel.startswith("generator/engine/")
             for n, line in enumerate((REPO / rel).read_text(encoding="utf-8").splitlines(), start=1)
             if THEME_MARKUP.search(line)]
    assert found == []


def test_the_guard_above_sees_theme_markup() -> None:
    assert THEME_MARKUP.search('"a": {"md-button", "md-button--primary"},')
    assert THEME_MARKUP.search("if a.get(\"data-md-component\") == 'source':")
    assert not THEME_MARKUP.search('"div": {"admonition", "note"},')


def test_an_engine_warning_reaches_staff_without_naming_the_engine(tmp_path: Path) -> None:
    project = copy_project(TRUST, tmp_path / "p")
    (project / "content" / "about.md").write_text("# 关于\n\n见[办事指南](guide.md)。\n", encoding="utf-8")
    result = build(project, tmp_path / "site")
    assert "guide.md" in result.output, result.output  # the warning is shown ...
    warning = next(line for line in result.output.splitlines() if "guide.md" in line)
    assert warning.startswith("警告：网站引擎："), warning
    assert "mkdocs" not in result.output.lower()  # ... without naming MkDocs anywhere
