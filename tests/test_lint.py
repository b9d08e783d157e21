"""The code base stays ruff-clean (style is part of the test run, not an afterthought)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from support import REPO


def test_ruff_clean() -> None:
    if shutil.which("ruff") is None:
        pytest.skip("ruff is not installed (it is in the test extras)")
    proc = subprocess.run([sys.executable, "-m", "ruff", "check", "generator", "tests", "scripts"], cwd=REPO,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
