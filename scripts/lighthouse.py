#!/usr/bin/env python3
"""Lighthouse (mobile) on the built site, served with gzip the way a real web server would serve it.

Usage: python scripts/lighthouse.py SITE_DIR [--lighthouse PATH] [--pages home board score item] [--runs 3]

Serves SITE_DIR on 127.0.0.1 with gzip for text types, runs Lighthouse's default mobile profile
(simulated slow 4G, 4× CPU slowdown) with Debian's Chromium (/usr/bin/chromium) for each page and
prints the median performance and accessibility scores.  Lighthouse itself comes from npm:
``npm install --prefix .tools lighthouse@12`` (nothing is downloaded at run time).  Numbers depend on
the machine's load: run it on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import json
import statistics
import subprocess
import tempfile
import threading
from functools import partial
from pathlib import Path

PAGES = {
    "home": "",
    "board": "towns/chunhui/qingchuan/",
    "score": "towns/chunhui/qingchuan/score/",
    "item": "rubric/items/7/",
}
TEXT = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt")


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_head(self):  # type: ignore[no-untyped-def]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix in TEXT and "gzip" in self.headers.get("Accept-Encoding", "") and path.is_file():
            body = gzip.compress(path.read_bytes(), 6)
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "max-age=600")
            self.end_headers()
            return _Body(body)
        return super().send_head()


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, *_: object) -> bytes:
        data, self.data = self.data, b""
        return data

    def close(self) -> None:
        pass


def run(lighthouse: Path, url: str) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        subprocess.run([str(lighthouse), url, "--quiet", "--output=json", f"--output-path={out}",
                        "--only-categories=performance,accessibility",
                        "--chrome-flags=--headless=new --no-sandbox"],
                       check=True, env={"CHROME_PATH": "/usr/bin/chromium", "PATH": "/usr/bin:/bin"})
        report = json.loads(out.read_text(encoding="utf-8"))
    cats = report["categories"]
    return cats["performance"]["score"], cats["accessibility"]["score"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path)
    parser.add_argument("--lighthouse", type=Path, default=Path(".tools/node_modules/.bin/lighthouse"))
    parser.add_argument("--pages", nargs="+", default=list(PAGES), choices=list(PAGES))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(GzipHandler, directory=str(args.site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        for name in args.pages:
            scores = [run(args.lighthouse, base + PAGES[name]) for _ in range(args.runs)]
            perf = statistics.median(s[0] for s in scores)
            a11y = statistics.median(s[1] for s in scores)
            runs = ", ".join(f"{p:.2f}/{a:.2f}" for p, a in scores)
            print(f"{name:6s} performance {perf:.2f}  accessibility {a11y:.2f}   (runs perf/a11y: {runs})", flush=True)
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
