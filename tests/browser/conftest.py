"""Browser-test fixtures: build the sample site once, serve it on 127.0.0.1, drive Debian's Chromium.

The site is the repository's own sample district (``communities/``) built with
``--as-of 2026-11-27``.  ``DANGJIAN_BROWSER_PROJECT`` points the tests at another
project folder.  Playwright's own browser download does not work here, so the
tests launch ``/usr/bin/chromium`` (installed by ``scripts/setup-test-tools.sh``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from support import AS_OF, AS_OF_ARG, cli

from generator.pipeline import prepare

from .browser_util import CHROME_ARGS, CHROMIUM, VIEWPORTS, WEIGHTS, SiteMap, Visit, pick, sample_project, serve


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SiteMap]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not installed (run scripts/setup-test-tools.sh)")
    project = sample_project()
    WEIGHTS.unlink(missing_ok=True)
    out = tmp_path_factory.mktemp("browser") / "site"
    result = cli("build", "-p", str(project), "-o", str(out), "--as-of", AS_OF_ARG)
    assert result.exit_code == 0, result.output
    prepared = prepare(project, AS_OF)
    assert prepared.context is not None
    return out, pick(prepared.context)


@pytest.fixture(scope="session")
def base_url(built_site: tuple[Path, SiteMap]) -> Iterator[str]:
    with serve(built_site[0]) as url:
        yield url


@pytest.fixture(scope="session")
def site_map(built_site: tuple[Path, SiteMap]) -> SiteMap:
    return built_site[1]


@pytest.fixture(scope="session")
def browser(base_url: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROME_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser: Any, base_url: str) -> Iterator[Callable[..., Visit]]:
    """Open a site page in a fresh context; every request that leaves 127.0.0.1 is blocked and recorded."""
    contexts: list[Any] = []

    def visit(path: str, viewport: str | dict[str, int] = "375", javascript: bool = True,
              before: Callable[[Any], None] | None = None) -> Visit:
        size = VIEWPORTS[viewport] if isinstance(viewport, str) else viewport
        ctx = browser.new_context(viewport=size, java_script_enabled=javascript, service_workers="block")
        contexts.append(ctx)
        foreign: list[str] = []

        def route(r: Any) -> None:
            if urlsplit(r.request.url).hostname == "127.0.0.1":
                r.continue_()
            else:
                foreign.append(r.request.url)
                r.abort()

        ctx.route("**/*", route)
        page = ctx.new_page()
        if before is not None:
            before(page)
        page.goto(base_url + path, wait_until="load")
        return Visit(page, foreign)

    yield visit
    for ctx in contexts:
        ctx.close()
