#!/usr/bin/env python3
"""Benchmark ``dangjian serve``: the time from saving one community's record to the served page showing it.

For each target (``sample``: the sample district of this repository, cloned with its git history into a
temporary folder so the history stage runs as it does for staff; a number N: a synthetic district of N
communities made by ``scripts/benchmark.py``'s ``make_project``), the script

1. starts ``dangjian serve`` on a free port (the generator of this checkout, ``--as-of 2026-11-27``) and
   waits until the community's page answers with its current name (the first build);
2. ``--edits`` times (default 5), ``--think`` seconds (default 2) after the page showed the last
   edit, as a person reads it before saving again: reads the page's live-reload epoch, saves the community's
   ``profile.yml`` with a new name, while a thread long-polls the live-reload endpoint
   (``/livereload/<epoch>/…``, what the browser does) and records when it reports the new build
   (``reload_s``, the moment an open browser tab reloads); then, as that tab does, fetches the page
   (again every ``--poll`` seconds until it shows the new name: ``page_s``).  With ``--poll-page`` the
   page is polled from the save on instead, as this script did before 2026-12-03: the server then answers
   twenty requests a second while it rebuilds.  Both times count from the end of the file write;
3. prints the per-edit times, their median, how long after the save the server started rebuilding
   (its file watcher: polling and settling), and the machine's 1-minute load average before and after;
   ``--json PATH`` writes the same figures.

When the server writes per-rebuild stage timings (``DANGJIAN_SERVE_TIMINGS``, set by this script to a
file in the temporary folder), their medians over the edits are printed too: where the time goes.

Besides the think time, no fixed sleeps: every wait is on a condition, polled, with a deadline (``--timeout``).

Usage: python scripts/serve_benchmark.py [sample] [200] [--edits 5] [--json PATH] [--community TOWN/ID]
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
AS_OF = "2026-11-27"
SAMPLE_COMMUNITY = "songshi/moxi"
SYNTHETIC_COMMUNITY = "town-000/c-00000"
TIMINGS_ENV = "DANGJIAN_SERVE_TIMINGS"
EPOCH_RE = re.compile(rb"livereload\((\d+),\s*(\d+)\)")
URL_RE = re.compile(r"(https?://[^\s（(]+)")
NAME_RE = re.compile(r"^name:.*$", re.MULTILINE)


def _make_project(n: int, dest: Path) -> None:
    spec = importlib.util.spec_from_file_location("benchmark_script", REPO / "scripts" / "benchmark.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.make_project(n, dest)


def prepare(target: str, dest: Path) -> tuple[Path, str]:
    """The project to serve and the community to edit."""
    project = dest / "project"
    if target == "sample":
        subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(REPO), str(project)], check=True)
        return project, SAMPLE_COMMUNITY
    project.mkdir()
    _make_project(int(target), project)
    return project, SYNTHETIC_COMMUNITY


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str, timeout: float = 30) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return bytes(response.read())
    except OSError:
        return b""


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    base: str = ""
    lines: list[str] = field(default_factory=list)
    ready: threading.Event = field(default_factory=threading.Event)

    def read(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip()
            self.lines.append(line)
            found = URL_RE.search(line)
            if not self.base and found and "预览地址" in line:
                self.base = found.group(1).rstrip("/") + "/"
                self.ready.set()
        self.ready.set()


@contextmanager
def serving(project: Path, timings: Path) -> Iterator[Server]:
    port = _free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1", TIMINGS_ENV: str(timings)}
    proc = subprocess.Popen([sys.executable, "-m", "generator.cli", "serve", "-p", str(project), "--as-of", AS_OF,
                             "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=REPO)
    server = Server(proc)
    reader = threading.Thread(target=server.read, daemon=True)
    reader.start()
    try:
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        reader.join(timeout=5)


def wait_for(url: str, text: str, deadline: float, poll: float) -> tuple[float, bytes]:
    """The moment ``url`` first answered with ``text`` in it, and that answer."""
    needle = text.encode("utf-8")
    while time.monotonic() < deadline:
        page = fetch(url)
        if needle in page:
            return time.perf_counter(), page
        time.sleep(poll)
    raise SystemExit(f"{url} did not show {text!r} in time")


def epoch_of(page: bytes) -> tuple[int, int] | None:
    found = EPOCH_RE.search(page)
    return (int(found.group(1)), int(found.group(2))) if found else None


def _long_poll(base: str, epoch: tuple[int, int], out: dict[str, float], deadline: float) -> None:
    """What a browser tab does: ask the live-reload endpoint until it reports a newer build."""
    root = base.split("/", 3)
    origin = "/".join(root[:3])
    while time.monotonic() < deadline:
        answer = fetch(f"{origin}/livereload/{epoch[0]}/{epoch[1]}", timeout=70)
        try:
            newer = int(answer.strip() or b"0") > epoch[0]
        except ValueError:
            newer = False
        if newer:
            out["reloaded"] = time.perf_counter()
            return


def set_name(profile: Path, name: str) -> None:
    text = profile.read_text(encoding="utf-8")
    new, n = NAME_RE.subn(f"name: {json.dumps(name, ensure_ascii=False)}", text, count=1)
    if n != 1:
        raise SystemExit(f"{profile}: no top-level name line")
    profile.write_text(new, encoding="utf-8")


def current_name(profile: Path) -> str:
    found = NAME_RE.search(profile.read_text(encoding="utf-8"))
    if not found:
        raise SystemExit(f"{profile}: no top-level name line")
    return found.group(0).split(":", 1)[1].strip().strip("\"'")


def read_timings(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def bench_target(target: str, args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="serve-bench-") as tmp:
        project, community = prepare(target, Path(tmp))
        if args.community:
            community = args.community
        town, cid = community.split("/")
        profile = project / "communities" / town / cid / "profile.yml"
        timings = Path(tmp) / "timings.jsonl"
        name = current_name(profile)
        load_before = os.getloadavg()[0]
        with serving(project, timings) as server:
            started = time.monotonic()
            if not server.ready.wait(args.timeout) or not server.base:
                raise SystemExit("serve printed no address:\n" + "\n".join(server.lines[-30:]))
            url = f"{server.base}towns/{town}/{cid}/"
            _shown, page = wait_for(url, name, started + args.timeout, args.poll)
            print(f"{target}: first build served after {time.monotonic() - started:.1f} s ({url})", flush=True)
            skip = len(read_timings(timings))
            edits: list[dict[str, float | None]] = []
            for k in range(1, args.edits + 1):
                time.sleep(args.think)  # a person looks at the page before saving again
                epoch = epoch_of(page)
                reload: dict[str, float] = {}
                deadline = time.monotonic() + args.timeout
                poller = None
                if epoch is not None:
                    poller = threading.Thread(target=_long_poll, args=(server.base, epoch, reload, deadline),
                                              daemon=True)
                    poller.start()
                new_name = f"测速{k}号{dt.datetime.now():%H%M%S%f}社区"
                set_name(profile, new_name)
                saved, saved_at = time.perf_counter(), time.time()
                if poller is not None and not args.poll_page:  # as an open tab: fetch once the reload is reported
                    poller.join(max(0.0, deadline - time.monotonic()))
                shown, page = wait_for(url, new_name, deadline, args.poll)
                if poller is not None:
                    poller.join(max(0.0, deadline - time.monotonic()))
                row = {"page_s": shown - saved,
                       "reload_s": reload["reloaded"] - saved if "reloaded" in reload else None,
                       "saved_at": saved_at}
                edits.append(row)
                reload_text = f"{row['reload_s']:.2f} s" if row["reload_s"] is not None else "-"
                print(f"{target}: edit {k}/{args.edits}: page {row['page_s']:.2f} s, live reload {reload_text}",
                      flush=True)
        load_after = os.getloadavg()[0]
        rebuilds = read_timings(timings)[skip:]
    for e in edits:  # how long the server took to start rebuilding: its watcher's polling and settling
        seen = [r["started_at"] for r in rebuilds if r.get("started_at", 0) >= (e["saved_at"] or 0)]
        e["noticed_s"] = min(seen) - e["saved_at"] if seen and e["saved_at"] is not None else None
    noticed = [e["noticed_s"] for e in edits if e["noticed_s"] is not None]
    pages = [e["page_s"] for e in edits if e["page_s"] is not None]
    reloads = [e["reload_s"] for e in edits if e["reload_s"] is not None]
    stages: dict[str, float] = {}
    for key in sorted({k for r in rebuilds for k in r.get("seconds", {})}):
        values = [r["seconds"][key] for r in rebuilds if key in r.get("seconds", {})]
        stages[key] = statistics.median(values)
    return {"target": target, "community": community, "think_s": args.think, "poll_page": args.poll_page,
            "edits": edits,
            "median_page_s": statistics.median(pages) if pages else None,
            "median_reload_s": statistics.median(reloads) if reloads else None,
            "median_noticed_s": statistics.median(noticed) if noticed else None,
            "load_average": {"before": load_before, "after": load_after},
            "rebuilds": rebuilds, "median_stage_s": stages}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("targets", nargs="*", default=["sample", "200"],
                        help="'sample' and/or numbers of synthetic communities (default: sample 200)")
    parser.add_argument("--edits", type=int, default=5, help="edits per target (median reported)")
    parser.add_argument("--community", help="TOWN/ID of the community to edit (default: one per target)")
    parser.add_argument("--poll", type=float, default=0.05, help="polling interval, seconds")
    parser.add_argument("--poll-page", action="store_true",
                        help="poll the page every --poll seconds from the save on, not only after the live-reload "
                             "report (the server answers those requests while it rebuilds)")
    parser.add_argument("--think", type=float, default=2.0,
                        help="seconds between a page showing an edit and the next save (a person reading it; "
                             "the server collects garbage when idle for 1 s): 0 saves back to back")
    parser.add_argument("--timeout", type=float, default=900, help="deadline of each wait, seconds")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    for target in args.targets:
        if target != "sample" and not (target.isdigit() and int(target) > 0):
            parser.error(f"unknown target {target!r}: 'sample' or a number of communities")
    if args.edits < 1:
        parser.error("--edits must be at least 1")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    results = [bench_target(target, args) for target in args.targets]
    print()
    for r in results:
        reload = f"{r['median_reload_s']:.2f} s" if r["median_reload_s"] is not None else "-"
        load = r["load_average"]
        print(f"{r['target']:>7}: median page {r['median_page_s']:.2f} s, live reload {reload} over "
              f"{len(r['edits'])} edits (load average {load['before']:.2f} before, {load['after']:.2f} after)")
        if r["median_noticed_s"] is not None:
            print(f"         the server started rebuilding {r['median_noticed_s']:.2f} s after the save (median)")
        if r["median_stage_s"]:
            print("         server, median per rebuild: " + ", ".join(
                f"{k} {v:.2f} s" for k, v in r["median_stage_s"].items()))
    if args.json:
        report = {"date": dt.date.today().isoformat(), "as_of": AS_OF, "cpu_count": os.cpu_count(),
                  "command": [Path(sys.argv[0]).name, *(argv if argv is not None else sys.argv[1:])],
                  "results": results}
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"figures written to {args.json}")


if __name__ == "__main__":
    main()
