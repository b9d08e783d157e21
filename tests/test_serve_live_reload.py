"""`dangjian serve` rebuilds from the YAML records when one is saved, without a restart."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from support import AS_OF

PAGE = "/towns/demo-town/demo-community/"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def _wait_for(url: str, text: str, seconds: float = 40) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if text in _fetch(url):
            return True
        time.sleep(0.3)
    return False


def test_saving_a_record_updates_the_open_page(project_copy) -> None:  # type: ignore[no-untyped-def]
    root: Path = project_copy("minimal")
    port = _free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "serve", "-p", str(root), "--as-of", AS_OF, "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    try:
        url = f"http://127.0.0.1:{port}{PAGE}"
        assert _wait_for(url, "示例社区"), "server did not come up"
        profile = root / "communities/demo-town/demo-community/profile.yml"
        profile.write_text(profile.read_text(encoding="utf-8").replace("name: 示例社区", "name: 改名社区"),
                           encoding="utf-8")
        assert _wait_for(url, "改名社区"), "edited record did not reach the page"
        # A broken record keeps the server alive; fixing it rebuilds again.
        profile.write_text(profile.read_text(encoding="utf-8").replace("org_type: 社区党委", "org_type: 错误"),
                           encoding="utf-8")
        time.sleep(2)
        profile.write_text(profile.read_text(encoding="utf-8").replace("org_type: 错误", "org_type: 社区党委")
                           .replace("name: 改名社区", "name: 恢复社区"), encoding="utf-8")
        assert _wait_for(url, "恢复社区"), "server did not recover after the record was fixed"
    finally:
        proc.terminate()
        try:
            out, _ = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
    log = out.decode("utf-8", "replace")
    assert "org_type: expected one of" in log
    assert "Traceback" not in log
