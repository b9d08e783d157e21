"""Mutation check: does the test suite notice when a protection breaks?

Applies each one-line break listed in ``scripts/mutations.yml`` to a fresh copy of the repository's
tracked files, runs the tests named for it there, and reports the breaks that no test noticed
("survived"). Exit status 1 if any survived. Run from the repository: ``python scripts/mutation_check.py``
(``--only ID`` for one break).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]


def tracked_copy(dest: Path) -> None:
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                           check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, files):
        src = REPO / name
        if src.is_file() and not src.is_symlink():
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target)
        elif src.is_symlink():
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(src.readlink())
    node_modules = REPO / "tests" / "tools" / "node_modules"
    if node_modules.is_dir():
        (dest / "tests" / "tools" / "node_modules").symlink_to(node_modules)


def run_tests(root: Path, tests: list[str]) -> bool:
    """True if the tests pass in ``root``."""
    proc = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests],
                          cwd=root, capture_output=True, text=True)
    return proc.returncode == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", help="run only the break with this id (repeatable)")
    args = parser.parse_args()
    breaks = yaml.safe_load((REPO / "scripts" / "mutations.yml").read_text(encoding="utf-8"))
    if args.only:
        breaks = [b for b in breaks if b["id"] in args.only]
    survived, broken_list = [], []
    with tempfile.TemporaryDirectory(prefix="dangjian-mutants-") as tmp:
        base = Path(tmp) / "repo"
        tracked_copy(base)
        # Every listed test must pass unmutated, or a "kill" would mean nothing.
        all_tests = sorted({t for b in breaks for t in b["tests"]})
        if not run_tests(base, all_tests):
            print("the listed tests fail without any mutation; fix them first", file=sys.stderr)
            return 2
        for b in breaks:
            file = base / b["file"]
            original = file.read_text(encoding="utf-8")
            if original.count(b["old"]) != 1:
                broken_list.append(b["id"])
                print(f"{b['id']}: `old` occurs {original.count(b['old'])} times in {b['file']}")
                continue
            file.write_text(original.replace(b["old"], b["new"]), encoding="utf-8")
            started = time.perf_counter()
            try:
                passed = run_tests(base, b["tests"])
            finally:
                file.write_text(original, encoding="utf-8")
            verdict = "SURVIVED" if passed else "killed"
            print(f"{b['id']}: {verdict} ({time.perf_counter() - started:.1f} s)", flush=True)
            if passed:
                survived.append(b["id"])
    killed = len(breaks) - len(survived) - len(broken_list)
    print(f"{killed} of {len(breaks)} breaks killed, {len(survived)} survived, {len(broken_list)} not applicable")
    return 1 if survived or broken_list else 0


if __name__ == "__main__":
    sys.exit(main())
