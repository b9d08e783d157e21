#!/usr/bin/env python3
"""Benchmark full builds of a synthetic district of N communities.

The synthetic communities are copies of the sample district's published
communities (renamed, with unique brand ids), spread over towns of 40.  For
each N it times, in a fresh process each, what ``dangjian build`` does
(load -> validate -> publish -> score -> render -> MkDocs -> output checks):

* ``optimised`` - ``dangjian build`` as shipped (small nav: towns only);
* ``naive``     - the same pages, but every community page listed in the nav
                  (what a straightforward MkDocs site would do).

Usage: python scripts/benchmark.py [--sizes 200 2000] [--skip-naive-above 2000] [--keep DIR]
Prints a table: seconds, ms per community, peak RSS (MiB), pages.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.records.yamlio import read_yaml  # noqa: E402

TOWN_SIZE = 40
AS_OF = "2026-11-27"

RUNNER = r"""
import datetime as dt, json, resource, sys, time
from pathlib import Path
from generator.pipeline import run
from generator import urls
from generator.engine.mkdocs_adapter import build_site, theme_dir
from generator.engine.verify import verify_site
from generator.pages.output import NavEntry

project, out, mode = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
t0 = time.perf_counter()
result = run(project, dt.date.fromisoformat(sys.argv[4]))
assert result.output is not None and not result.log.errors, [str(e) for e in result.log][:5]
t1 = time.perf_counter()
if mode == "naive":
    boards = [NavEntry(c.name, urls.source(urls.community(c.town_id, c.id)))
              for c in result.context.district.communities()]
    result.output.nav.append(NavEntry("全部社区", children=boards))
stats = build_site(result.context, result.output, out)
t2 = time.perf_counter()
cfg = result.context.config
findings = verify_site(out, cfg.site.url, list(cfg.pii_allow), theme=theme_dir(project))
assert not findings, [str(f) for f in findings][:5]
t3 = time.perf_counter()
print(json.dumps({"pipeline_s": t1 - t0, "mkdocs_s": t2 - t1, "verify_s": t3 - t2, "pages": stats.pages,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def make_project(n: int, dest: Path) -> None:
    """Write a project with ``n`` communities copied from the sample district."""
    shutil.copy(REPO / "site_config.yml", dest / "site_config.yml")
    shutil.copytree(REPO / "content", dest / "content")
    templates = []
    for profile in sorted((REPO / "communities").glob("*/*/profile.yml")):
        doc, errors = read_yaml(profile, str(profile))
        if doc and not errors and (doc.data.get("publication") or {}).get("state") == "approved":
            templates.append(profile.parent)
    root = dest / "communities"
    root.mkdir()
    district, _ = read_yaml(REPO / "communities/district.yml", "district.yml")
    data = dict(district.data)  # type: ignore[union-attr]
    data["model_brands"], data["commendations"] = [], []
    (root / "district.yml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    for i in range(n):
        town = f"town-{i // TOWN_SIZE:03d}"
        tdir = root / town
        if not tdir.exists():
            tdir.mkdir()
            town_doc = {"name": f"合成{i // TOWN_SIZE + 1}街道", "kind": "街道",
                        "publication": {"state": "approved", "approved_by": "青禾区委组织部",
                                        "approved_on": dt.date(2025, 1, 5)}}
            (tdir / "town.yml").write_text(yaml.safe_dump(town_doc, allow_unicode=True), encoding="utf-8")
        src = templates[i % len(templates)]
        cdir = tdir / f"c-{i:05d}"
        shutil.copytree(src, cdir, ignore=shutil.ignore_patterns("*.yml"))
        for file in sorted(src.glob("*.yml")):
            doc, _ = read_yaml(file, file.name)
            body = doc.data  # type: ignore[union-attr]
            if file.name == "profile.yml":
                body["name"] = f"{body['name']}{i + 1}号"
            if file.name == "brands.yml":
                for brand in body.get("brands", []):
                    brand["id"] = f"{brand['id']}-{i}"
                    brand["former_ids"] = [f"{old}-{i}" for old in brand.get("former_ids", [])]
                    for mention in brand.get("mentions", []):
                        mention.pop("adopted_by", None)  # names sample communities the copy does not have
            (cdir / file.name).write_text(yaml.safe_dump(body, allow_unicode=True, sort_keys=False),
                                          encoding="utf-8")


def timed_build(project: Path, mode: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-site-") as tmp:
        started = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", RUNNER, str(project), str(Path(tmp) / "site"), mode, AS_OF],
                              capture_output=True, text=True, cwd=REPO)
        wall = time.perf_counter() - started
        if proc.returncode != 0:
            raise SystemExit(f"{mode} build failed:\n{proc.stderr[-3000:]}")
        stats = json.loads(proc.stdout.strip().splitlines()[-1])
        stats["wall_s"] = wall
        return stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 2000])
    parser.add_argument("--skip-naive-above", type=int, default=2000,
                        help="skip the naive build for larger N (it grows with N²)")
    parser.add_argument("--keep", type=Path, help="keep the generated projects in this folder")
    args = parser.parse_args()
    rows = []
    for n in args.sizes:
        with tempfile.TemporaryDirectory(prefix=f"bench-{n}-") as tmp:
            project = Path(tmp)
            make_project(n, project)
            if args.keep:
                shutil.copytree(project, args.keep / f"n{n}", dirs_exist_ok=True)
            for mode in ("optimised", "naive"):
                if mode == "naive" and n > args.skip_naive_above:
                    continue
                stats = timed_build(project, mode)
                rows.append((n, mode, stats))
                print(f"N={n:5d} {mode:9s} {stats['wall_s']:7.1f} s  {1000 * stats['wall_s'] / n:6.1f} ms/community"
                      f"  peak {stats['peak_mib']:6.0f} MiB  {stats['pages']} pages"
                      f"  (pipeline {stats['pipeline_s']:.1f} s, mkdocs {stats['mkdocs_s']:.1f} s,"
                  f" verify {stats['verify_s']:.1f} s)", flush=True)
    opt = {n: s["wall_s"] for n, m, s in rows if m == "optimised"}
    if len(opt) >= 2:
        small, large = min(opt), max(opt)
        print(f"time({large})/time({small}) = {opt[large] / opt[small]:.2f}")


if __name__ == "__main__":
    main()
