"""Shared constants and helpers for the browser tests (fixtures live in conftest.py)."""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from support import BOARDS_DISTRICT, REPO

from generator import urls
from generator.context import SiteContext
from generator.pages.views import site_views

CHROMIUM = Path(os.environ.get("DANGJIAN_CHROMIUM", "/usr/bin/chromium"))
AXE = REPO / "tests" / "tools" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO / "tests" / "artifacts" / "screenshots"
WEIGHTS = SCREENSHOTS.parent / "page-weights.txt"  # rewritten by each test session
CHROME_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", "--disable-quic"]
VIEWPORTS = {"375": {"width": 375, "height": 667}, "320": {"width": 320, "height": 640}}


def sample_project() -> Path:
    chosen = os.environ.get("DANGJIAN_BROWSER_PROJECT")
    if chosen:
        return Path(chosen).resolve()
    if (REPO / "communities" / "district.yml").is_file():
        return REPO
    return BOARDS_DISTRICT


@dataclass
class SiteMap:
    """Pages of each type in the built site, and a pledge the search must find."""

    pages: dict[str, str]
    search_word: str
    search_pledge_title: str
    search_pledge_anchor: str
    redirect_from: str | None
    redirect_to: str | None
    extra: dict[str, Any] = field(default_factory=dict)


def pick(context: SiteContext) -> SiteMap:
    views = site_views(context).pledges
    brands = site_views(context).brands
    # The community board with the most pledges (ideally an overdue one) and a brand.
    def weight(c: Any) -> tuple[int, int, int]:
        cv = [v for v in views if v.community is c]
        return (any(v.status.label == "逾期" for v in cv), bool(c.brands.brands), len(cv))
    community = max(context.district.communities(), key=weight)
    brand = next((b for b in brands if b.images), brands[0] if brands else None)
    assert brand is not None, "the sample district needs at least one brand"
    word, pledge = "", None
    for candidate in ("养老", "垃圾", "助餐", "加装电梯"):
        pledge = next((v for v in views if candidate in v.pledge.title), None)
        if pledge:
            word = candidate
            break
    assert pledge is not None, "the sample district needs a pledge whose title contains 养老 or 垃圾"
    moved = next((b for b in brands if b.brand.former_ids), None)
    scored = context.scores.results[0].community if context.scores and context.scores.results else None
    assert scored is not None, "the sample district needs a scored community"
    return SiteMap(
        pages={
            "home": "",
            "town": f"towns/{community.town_id}/",
            "board": community.url,
            "tracker": f"{community.url}pledges/",
            "brand": brand.url,
            "gallery": "brands/",
            "overdue": "pledges/overdue/",
            "pledges": "pledges/",
            "screen": f"screen/{community.town_id}/{community.id}/",
            "print": f"{community.url}print/",
            "score": f"towns/{scored}/score/",
            "ranking": "ranking/",
            "cycle": urls.cycle(community.town_id, community.id, community.profile.cycles[-1].id),
            "promotion": urls.PROMOTION,
            "history": urls.HISTORY,
            "towns": urls.TOWNS,
            "item": urls.rubric_item_page(3),
        },
        search_word=word,
        search_pledge_title=pledge.pledge.title,
        search_pledge_anchor=f"{pledge.tracker}#{pledge.anchor}",
        redirect_from=f"brands/{moved.brand.former_ids[0]}/" if moved else None,
        redirect_to=moved.url if moved else None,
    )



@dataclass
class Visit:
    page: Any
    foreign: list[str]


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page PNG (for people to look at) and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{name}.png"
    target.unlink(missing_ok=True)
    page.screenshot(path=str(target), full_page=True)
    return target


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (refuses anything that is not a PNG)."""
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR", f"{path} is not a PNG"
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 (a free port) in a thread; yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
