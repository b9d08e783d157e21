"""Drive `dangjian serve`'s builds in-process, without its HTTP server: the same hooks, the same dirty builds.

``Previewer`` does what MkDocs's ``serve`` does for each reload (load the configuration, set the served
address, build with ``dirty=True``), with the same data pipeline as ``build.serve`` (``pipeline.Live``,
the error site for broken records), into a folder the test can read.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from support import AS_OF

from generator.engine import mkdocs_adapter, mkdocs_serve
from generator.pages.data_errors import render_error_site
from generator.pages.output import Output
from generator.pipeline import Live
from generator.records.config import load_config as load_site_config

SERVE_URL = "http://127.0.0.1:8000/"


class Previewer:
    """One preview of ``project`` built into ``folder / "site"``; :meth:`reload` is one live reload."""

    def __init__(self, project: Path, folder: Path) -> None:
        self.project, self.site = project, folder / "site"
        self.live = Live(project, AS_OF)
        self.last_good: set[str] = set()
        self.builds: list[dict[str, Any]] = []
        self.preview = mkdocs_serve.Preview(self.rebuild, AS_OF, self.builds.append)
        config, _log = load_site_config(project / "site_config.yml", project)
        assert config is not None
        docs = folder / "docs"
        docs.mkdir(parents=True)
        self.config_file = folder / "mkdocs.yml"
        self.config_file.write_text(mkdocs_adapter.config_text(
            config, project, None, docs, self.site, serve_hooks=Path(mkdocs_serve.__file__)), encoding="utf-8")
        self.started = False

    def rebuild(self) -> tuple[Output, list[str]]:
        again = self.live.run()
        if again.output is None or again.log.errors:
            return render_error_site(again.log, self.last_good), [str(e) for e in again.log]
        self.last_good = set(again.output.pages)
        return again.output, []

    def reload(self) -> mkdocs_serve.Plan:
        """One build as the server runs it after a change; the plan it followed."""
        mkdocs_serve._PREVIEWS["serving"] = self.preview
        config: MkDocsConfig = load_config(config_file=str(self.config_file), site_dir=str(self.site))
        if not self.started:
            config.plugins.on_startup(command="serve", dirty=True)
            self.started = True
        config.site_url = SERVE_URL
        logging.getLogger("mkdocs").setLevel(logging.ERROR)
        try:
            build(config, serve_url=SERVE_URL, dirty=True)
        finally:
            mkdocs_serve._PREVIEWS.pop("serving", None)
        return self.preview.plan


def site_files(site: Path) -> dict[str, bytes]:
    """Every file of a built site by its path (folders are implied)."""
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def fresh_site(project: Path, folder: Path) -> dict[str, bytes]:
    """The site a preview started now on ``project`` serves (a full build)."""
    previewer = Previewer(project, folder)
    assert previewer.reload().full
    return site_files(previewer.site)
