"""The benchmark script still runs and reports every stage of a build (it patches the generator's functions
by module path, so a refactor can silently break it: a stage that is never entered must fail the run)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from support import REPO

# Written out here, not imported from the script: dropping a stage there must fail this test.
EXPECTED_STAGES = {"load", "validate", "publish_pii", "score", "history", "render", "engine", "search", "verify",
                   "write"}


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("benchmark_script", REPO / "scripts" / "benchmark.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_project_generator_writes_n_communities_in_towns(tmp_path: Path) -> None:
    _script().make_project(3, tmp_path)
    boards = sorted(p.parent.name for p in (tmp_path / "communities").glob("*/*/profile.yml"))
    assert boards == ["c-00000", "c-00001", "c-00002"]
    assert (tmp_path / "communities" / "town-000" / "town.yml").is_file()
    assert (tmp_path / "site_config.yml").is_file() and (tmp_path / "content").is_dir()


def test_a_tiny_benchmark_reports_every_stage_within_the_wall_time(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    done = subprocess.run([sys.executable, "scripts/benchmark.py", "--sizes", "3", "--only-mode", "optimised",
                           "--json", str(out)], cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Seconds per stage" in done.stdout and "Peak RSS" in done.stdout
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["sizes"] == [3] and report["machine"]["cpu_count"] >= 1 and report["machine"]["python"]
    assert "commit" in report["git"]
    (result,) = report["results"]
    assert (result["n"], result["mode"], result["communities"]) == (3, "optimised", 3)
    assert result["pages"] > 0
    (run,) = result["runs"]
    assert set(run["stages"]) == EXPECTED_STAGES
    for name, stage in run["stages"].items():
        assert isinstance(stage["seconds"], float) and stage["seconds"] >= 0, name
        assert isinstance(stage["cpu_s"], float) and stage["cpu_s"] >= 0, name
        assert stage["calls"] > 0, name
        assert stage["peak_mib"] > 0, name
    assert sum(stage["seconds"] for stage in run["stages"].values()) <= run["wall_s"]
    assert run["other_s"] >= 0
    if Path("/proc/self/smaps_rollup").exists():  # the whole build's memory, read from outside it
        assert run["tree_pss_peak_mib"] > 20 and result["summary"]["tree_pss_peak_mib"]["median"] > 20
        by_stage = run["tree_pss_by_stage_mib"]
        assert by_stage and set(by_stage) <= EXPECTED_STAGES | {"other"}
        assert max(by_stage.values()) == run["tree_pss_peak_mib"]  # every reading is some stage's
        assert result["summary"]["tree_pss_by_stage_mib"].keys() == by_stage.keys()
    assert "tree PSS" in done.stdout and "Tree PSS" in done.stdout
    summary = result["summary"]
    assert set(summary["stages"]) == EXPECTED_STAGES
    for name, stage in summary["stages"].items():
        assert stage["seconds"]["min"] <= stage["seconds"]["median"] <= stage["seconds"]["max"], name
        assert stage["seconds"]["median"] == run["stages"][name]["seconds"], name


def test_a_warm_run_changes_one_community_and_builds_over_the_published_site(tmp_path: Path) -> None:
    script = _script()
    script.make_project(3, tmp_path)
    profiles = sorted((tmp_path / "communities").glob("*/*/profile.yml"))
    before = {p: p.read_text(encoding="utf-8") for p in profiles}
    changed = [script.change_one_community(tmp_path, k) for k in range(2)]
    edited = [p for p in profiles if p.read_text(encoding="utf-8") != before[p]]
    assert len(set(changed)) == 2 and len(edited) == 2  # a different community each run
    for profile in edited:
        old = next(line for line in before[profile].splitlines() if line.startswith("name:"))
        assert f"{old}改" in profile.read_text(encoding="utf-8")

    out = tmp_path / "bench.json"
    done = subprocess.run([sys.executable, "scripts/benchmark.py", "--sizes", "3", "--only-mode", "warm",
                           "--runs", "2", "--json", str(out)], cwd=REPO, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    (result,) = json.loads(out.read_text(encoding="utf-8"))["results"]
    assert result["mode"] == "warm" and result["communities"] == 3
    assert [run["changed"] for run in result["runs"]] == changed  # the same edits, made in the build's project


def test_the_tree_s_memory_counts_the_processes_below_the_build(tmp_path: Path) -> None:
    """``tree_pss_mib`` adds up the processes below the one it is given: a child holding 200 MiB counts (the
    shell waits for it, so the shell itself holds little)."""
    if not Path("/proc/self/smaps_rollup").exists():
        pytest.skip("no /proc/<pid>/smaps_rollup here")
    script = _script()
    holder = "b = bytearray(200 * 2**20); b[::4096] = b'x' * len(b[::4096]); print('ready', flush=True); input()"
    shell = subprocess.Popen(["sh", "-c", f'"{sys.executable}" -c "{holder}"; true'], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert shell.stdout is not None and shell.stdout.readline().strip() == "ready"
        alone = script.tree_pss_mib(shell.pid)
        assert alone is not None and alone >= 200
    finally:
        shell.communicate("\n", timeout=30)
    assert script.tree_pss_mib(shell.pid) is None  # gone: nothing to read


def test_the_stage_marker_says_which_stage_runs_and_only_the_build_process_writes_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = _script()
    marker = tmp_path / "stage"
    marker.write_bytes(b"\0")
    monkeypatch.setenv(script.STAGE_FILE_ENV, str(marker))
    clock = script.StageClock(script.STAGES)
    seen: list[str | None] = []
    inner = clock.wrap("write", lambda: seen.append(script.read_stage(marker)))
    outer = clock.wrap("engine", lambda: (seen.append(script.read_stage(marker)), inner(),
                                          seen.append(script.read_stage(marker))))
    assert script.read_stage(marker) is None
    outer()
    assert seen == ["engine", "write", "engine"]  # the innermost open call's stage
    assert script.read_stage(marker) is None  # between stages
    worker = script.StageMarker(marker, owner=-1)  # as a forked worker sees it: not its own
    worker.set("render")
    assert script.read_stage(marker) is None
