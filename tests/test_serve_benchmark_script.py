"""The serve benchmark still runs: it starts `dangjian serve` on a synthetic district, times an edit until the
served page shows it, and reports the server's own time per step (no times are asserted here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from support import REPO

STEPS = {"changes", "prepare", "history", "render", "pipeline", "engine"}


def test_a_tiny_serve_benchmark_reports_each_edit_and_the_servers_steps(tmp_path: Path) -> None:
    out = tmp_path / "serve.json"
    done = subprocess.run([sys.executable, "scripts/serve_benchmark.py", "3", "--edits", "2", "--json", str(out)],
                          cwd=REPO, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "median page" in done.stdout
    (result,) = json.loads(out.read_text(encoding="utf-8"))["results"]
    assert result["target"] == "3" and len(result["edits"]) == 2
    for edit in result["edits"]:
        assert edit["page_s"] > 0 and edit["reload_s"] is not None
    assert result["median_page_s"] > 0
    assert len(result["rebuilds"]) >= 2  # one per edit at least, each with the server's steps
    assert all(set(r["seconds"]) >= STEPS and not r["full"] for r in result["rebuilds"])
