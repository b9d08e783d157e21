"""The package's import contracts (``[tool.importlinter]`` in pyproject.toml) hold, and would catch a break:
an import that points up a layer, a cycle between sibling modules, MkDocs outside the engine adapter."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import REPO

LINT = [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command as c; sys.exit(c())",
        "--no-cache"]


def lint(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(LINT, cwd=root, env=env, capture_output=True, text=True)


def test_contracts_hold() -> None:
    proc = lint(REPO)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "3 kept, 0 broken" in proc.stdout


@pytest.mark.parametrize(("file", "line", "broken"), [
    ("generator/records/yamlio.py", "from generator.pages import output as _up", "Pipeline layers"),
    ("generator/pages/output.py", "from generator.pages import qr as _cycle", "No import cycle"),
    ("generator/pages/core.py", "import mkdocs as _engine", "Only the engine adapter"),
], ids=["upward-import", "cycle", "mkdocs-outside-engine"])
def test_a_break_is_caught(tmp_path: Path, file: str, line: str, broken: str) -> None:
    shutil.copytree(REPO / "generator", tmp_path / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / file
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # noqa\n", encoding="utf-8")
    proc = lint(tmp_path)
    assert proc.returncode != 0
    assert f"{broken}" in proc.stdout and "BROKEN" in proc.stdout, proc.stdout
