"""The benchmark script still runs (it imports the generator by module path, so a refactor can break it)."""

from __future__ import annotations

import subprocess
import sys

from support import REPO


def test_the_benchmark_builds_a_small_synthetic_district() -> None:
    done = subprocess.run([sys.executable, "scripts/benchmark.py", "--sizes", "3", "--skip-naive-above", "0"],
                          cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "N=    3 optimised" in done.stdout and "pages" in done.stdout
