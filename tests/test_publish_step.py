"""Publishing the built site: one atomic exchange, modes a web server can read, nothing left behind.

Also the console script's edges: a Ctrl-C while it starts and an output stream that cannot encode Chinese.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from support import AS_OF_ARG, MINIMAL, REPO, TEN_MISTAKES, copy_project
from trust_util import build, tree

from generator.engine import publish


def test_exchange_swaps_two_folders_in_one_step(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "x").write_text("new", encoding="utf-8")
    (b / "x").write_text("old", encoding="utf-8")
    if not publish.exchange(a, b):
        pytest.skip("this kernel or file system has no renameat2(RENAME_EXCHANGE)")
    assert (b / "x").read_text(encoding="utf-8") == "new"
    assert (a / "x").read_text(encoding="utf-8") == "old"


def test_a_rebuild_replaces_the_site_without_moving_it_aside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the exchange available, the published path is never renamed away (no moment without a site)."""
    project = copy_project(MINIMAL, tmp_path / "project")
    out = tmp_path / "site"
    assert build(project, out).exit_code == 0
    if not publish.exchange(tmp_path / "site", tmp_path / "site"):
        pytest.skip("no renameat2(RENAME_EXCHANGE) here")
    real = Path.rename

    def rename(self: Path, target: Any) -> Any:
        assert Path(self) != out, "the published site was moved aside"
        return real(self, target)

    monkeypatch.setattr(Path, "rename", rename)
    assert build(project, out).exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project", "site"]


def _old_tree(root: Path) -> None:
    """A small site tree: folders at every depth, files beside them."""
    for town in ("east", "west"):
        for board in ("pine", "oak", "elm"):
            for page in ("", "pledges/", "score/"):
                folder = root / "towns" / town / board / page
                folder.mkdir(parents=True, exist_ok=True)
                (folder / "index.html").write_text(f"{town}{board}{page}", encoding="utf-8")
    (root / "index.html").write_text("home", encoding="utf-8")
    (root / "data").mkdir()
    (root / "data" / "scores.json").write_text("{}", encoding="utf-8")


@pytest.mark.parametrize("threads", [1, 4])
def test_an_old_tree_is_removed_whole_and_links_out_of_it_are_not_followed(tmp_path: Path, threads: int) -> None:
    old, outside = tmp_path / "old", tmp_path / "outside"
    _old_tree(old)
    (outside / "kept").mkdir(parents=True)
    (outside / "kept" / "file.txt").write_text("kept", encoding="utf-8")
    (old / "towns" / "east" / "link").symlink_to(outside, target_is_directory=True)  # two levels down
    (old / "towns" / "west" / "pine" / "link").symlink_to(outside / "kept", target_is_directory=True)
    publish.remove_tree(old, threads)
    assert not old.exists() and not old.is_symlink()
    assert (outside / "kept" / "file.txt").read_text(encoding="utf-8") == "kept"


def test_a_link_given_as_the_old_tree_is_left_alone(tmp_path: Path) -> None:
    real = tmp_path / "real"
    _old_tree(real)
    (tmp_path / "link").symlink_to(real, target_is_directory=True)
    publish.remove_tree(tmp_path / "link")
    assert (real / "towns" / "east" / "pine" / "score" / "index.html").is_file() and (tmp_path / "link").is_symlink()


def test_the_site_is_world_readable_whatever_the_umask(tmp_path: Path) -> None:
    project = copy_project(MINIMAL, tmp_path / "project")
    out = tmp_path / "site"
    previous = os.umask(0o077)
    try:
        assert build(project, out).exit_code == 0
    finally:
        os.umask(previous)
    modes = {stat.S_IMODE(p.stat().st_mode) for p in [out, *out.rglob("*")] if p.is_dir()}
    assert modes == {0o755}
    modes = {stat.S_IMODE(p.stat().st_mode) for p in out.rglob("*") if p.is_file()}
    assert modes == {0o644}


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_trees_left_by_a_killed_build_are_removed_by_the_next(tmp_path: Path) -> None:
    project = copy_project(MINIMAL, tmp_path / "project")
    out = tmp_path / "site"
    dead = _dead_pid()
    leftovers = [tmp_path / f".site.tmp-{dead}-abc", tmp_path / f".site.old-{dead}"]
    for folder in leftovers:
        (folder / "site").mkdir(parents=True)
    someone_elses = tmp_path / f".site.tmp-{os.getppid()}-xyz"  # a build still running: left alone
    someone_elses.mkdir()
    assert build(project, out).exit_code == 0
    assert not any(p.exists() for p in leftovers)
    assert someone_elses.exists()


def _run_build(project: Path, out: Path) -> subprocess.Popen[str]:
    path = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p)
    return subprocess.Popen([sys.executable, "-m", "generator.entry", "build", "-p", str(project), "-o", str(out),
                             "--as-of", AS_OF_ARG], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": path, "PYTHONUNBUFFERED": "1"})


def _wait_for_rendering(proc: subprocess.Popen[str], seconds: float = 120) -> None:
    assert proc.stderr is not None
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if line.startswith("[2/3]"):
            return
        if not line and proc.poll() is not None:
            break
    raise AssertionError("the build never reached rendering")


def test_sigterm_while_rendering_leaves_the_old_site_and_no_temporary_trees(tmp_path: Path) -> None:
    project = copy_project(MINIMAL, tmp_path / "project")
    out = tmp_path / "site"
    assert build(project, out).exit_code == 0
    before = tree(out)
    docs_before = {p.name for p in Path("/tmp").glob("dangjian-docs-*")}
    proc = _run_build(project, out)
    _wait_for_rendering(proc)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert "Traceback" not in err
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project", "site"]
    assert {p.name for p in Path("/tmp").glob(f"dangjian-docs-{proc.pid}-*")} - docs_before == set()


def test_ctrl_c_while_the_program_starts_is_quiet(tmp_path: Path) -> None:
    path = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p)
    proc = subprocess.Popen([sys.executable, "-m", "generator.entry", "check", "-p", str(MINIMAL)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": path})
    time.sleep(0.15)  # inside the imports of the command line
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode in (130, 0), err  # 0 only if the check finished before the signal came
    assert "Traceback" not in err and "KeyboardInterrupt" not in err


def test_a_terminal_that_cannot_show_chinese_gets_escapes_not_a_crash(tmp_path: Path) -> None:
    path = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p)
    result = subprocess.run([sys.executable, "-m", "generator.entry", "check", "-p", str(TEN_MISTAKES),
                             "--as-of", AS_OF_ARG], capture_output=True,
                            env={**os.environ, "PYTHONPATH": path, "PYTHONIOENCODING": "latin-1"}, timeout=120,
                            check=False)
    err = result.stderr.decode("latin-1")
    assert result.returncode == 1
    assert "Traceback" not in err
    assert "\\u9519\\u8bef" in err  # 错误, escaped


def test_modes_are_set_where_they_differ_and_links_are_left_alone(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "a" / "b").mkdir(parents=True)
    (site / "a" / "b" / "page.html").write_bytes(b"x")
    (site / "run.sh").write_bytes(b"x")
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"secret")
    outside.chmod(0o600)
    (site / "link.txt").symlink_to(outside)
    os.chmod(site / "a" / "b" / "page.html", 0o600)
    os.chmod(site / "run.sh", 0o755)
    os.chmod(site / "a" / "b", 0o700)
    os.chmod(site / "a", 0o711)
    publish.readable_modes(site)
    assert {rel: stat.S_IMODE(os.lstat(site / rel).st_mode) for rel in ("", "a", "a/b", "a/b/page.html", "run.sh")} \
        == {"": 0o755, "a": 0o755, "a/b": 0o755, "a/b/page.html": 0o644, "run.sh": 0o644}
    assert stat.S_IMODE(outside.stat().st_mode) == 0o600  # the link's target is not changed
