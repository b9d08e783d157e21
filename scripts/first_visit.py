#!/usr/bin/env python3
"""What a phone downloads on a first visit, and on its first search, served with gzip like a real web server.

Usage: python scripts/first_visit.py SITE_DIR [PAGE ...] [--json PATH]

Serves SITE_DIR on 127.0.0.1 with gzip for text types (``scripts/lighthouse.py``'s server), opens each
page (site-relative, e.g. ``towns/town-000/c-00000/``; default: the home page, the first town's page and
its first community's board) in Debian's Chromium at 375 × 667 in a fresh browser context (empty
cache), waits until the network is idle, and adds up the bytes received (response bodies as sent, i.e.
gzipped, plus headers) per page.  Then it focuses the search box, which makes the theme fetch the search
index (the whole-site file or the town's part), and reports those bytes apart.  The issue-14 target is a
board's first visit ≤ 300 KB gzipped at 2,000 communities.
"""

from __future__ import annotations

import argparse
import http.server
import json
import sys
import threading
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lighthouse import GzipHandler

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]


def default_pages(site: Path) -> list[str]:
    town = next(iter(sorted(p for p in (site / "towns").iterdir() if (p / "index.html").is_file())), None)
    if town is None:
        return [""]
    board = next(iter(sorted(p for p in town.iterdir() if (p / "index.html").is_file() and (p / "pledges").is_dir())),
                 None)
    pages = ["", f"towns/{town.name}/"]
    return pages + ([f"towns/{town.name}/{board.name}/"] if board is not None else [])


def _received(responses: list[Any]) -> tuple[int, int, list[str]]:
    total, count, names = 0, 0, []
    for response in responses:
        sizes = response.request.sizes()
        total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        count += 1
        names.append(response.url)
    return total, count, names


def measure(base: str, page_path: str, browser: Any) -> dict[str, Any]:
    ctx = browser.new_context(viewport={"width": 375, "height": 667}, service_workers="block")
    page = ctx.new_page()
    responses: list[Any] = []
    page.on("response", lambda r: responses.append(r))
    page.goto(base + page_path, wait_until="networkidle")
    visit_bytes, visit_requests, _ = _received(responses)
    responses.clear()
    label = page.locator("label.md-header__button[for='__search']")
    # Wait for the index itself: the page reached "network idle" before, so waiting for that state again
    # returns at once, and a large part (several MB, gzipped by the server first) would not be counted.
    with page.expect_response(lambda r: "/search/" in r.url and r.url.endswith(".json"), timeout=120000) as got:
        if label.is_visible():
            label.click()
        page.locator("input.md-search__input").focus()
    got.value.finished()
    page.locator(".md-search-result__meta").wait_for(timeout=60000)
    search_bytes, _, fetched = _received(responses)
    ctx.close()
    index = [u.removeprefix(base) for u in fetched if u.endswith(".json")]
    return {"page": page_path, "first_visit_bytes": visit_bytes, "requests": visit_requests,
            "first_search_bytes": search_bytes, "search_files": index}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path)
    parser.add_argument("pages", nargs="*")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    pages = args.pages or default_pages(args.site)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(GzipHandler, directory=str(args.site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            results = [measure(base, page, browser) for page in pages]
            browser.close()
    finally:
        server.shutdown()
    for r in results:
        print(f"/{r['page']:<40} first visit {r['first_visit_bytes'] / 1024:7.1f} KB in {r['requests']:2d} requests;"
              f" first search {r['first_search_bytes'] / 1024:7.1f} KB ({', '.join(r['search_files']) or '-'})")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
