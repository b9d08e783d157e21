"""The only module that touches MkDocs: config, in-memory page injection, build, serve.

Swapping the engine (ProperDocs, Zensical) means rewriting this module only.
It is also loaded by MkDocs itself as a *hooks* file during ``dangjian serve``,
so that every live-reload re-runs the data pipeline from the YAML records.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

    from .pipeline import SiteContext
    from .render import NavEntry, Output

PROGRESS_EVERY = 500
SLUG_TAG = "!!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower}}"


class EngineError(Exception):
    """The site engine failed (configuration or theme problem, not user data)."""


@dataclass
class BuildStats:
    pages: int
    files: int
    warnings: list[str]


def _nav(entries: list[NavEntry]) -> list[Any]:
    out: list[Any] = []
    for e in entries:
        out.append({e.title: _nav(e.children) if e.children else e.path})
    return out


def theme_dir(project: Path) -> Path:
    """The project's Material overrides; projects without one use this repository's theme/."""
    own = project / "theme"
    return own if own.is_dir() else Path(__file__).resolve().parent.parent / "theme"


def config_text(context: SiteContext, output: Output | None, docs_dir: Path, site_dir: Path,
                serve: bool = False) -> str:
    """The MkDocs configuration derived from ``site_config.yml``, as YAML text."""
    cfg = context.config
    footer = cfg.footer.model_dump(exclude_none=True)
    data: dict[str, Any] = {
        "site_name": cfg.site.name,
        "site_description": cfg.site.description,
        "site_url": cfg.site.url,
        "docs_dir": str(docs_dir),
        "site_dir": str(site_dir),
        "use_directory_urls": True,
        "copyright": f"主办单位:{cfg.footer.sponsor}",
        "theme": {
            "name": "material",
            "custom_dir": str(theme_dir(context.project)),
            "language": "zh",
            "font": False,
            "palette": {"scheme": "default", "primary": cfg.site.primary, "accent": cfg.site.accent},
            "features": ["navigation.top", "navigation.indexes", "navigation.footer", "search.highlight",
                         "toc.follow"],
            "icon": {"logo": "material/flag-variant"},
        },
        "plugins": [{"search": {"lang": "zh", "separator": r"[\s\u200b\-_,:!=\[\]()\"`/]+|\.(?!\d)"}}],
        "markdown_extensions": [
            "attr_list", "md_in_html", "tables", "admonition", "def_list",
            {"toc": {"permalink": False, "slugify": "__SLUGIFY__"}},
        ],
        "extra": {"generator": False, "footer": footer, "sample_data": cfg.site.sample_data,
                  "short_name": cfg.site.short_name},
        "extra_css": ["assets/stylesheets/dangjian.css"],
        "extra_javascript": ["assets/javascripts/dangjian.js"],
        "not_in_nav": "/towns/*/*/\n/brands/\n/screen/\n/pledges/*/\n/ranking/*/\n",
        "validation": {"nav": {"omitted_files": "ignore", "not_found": "warn"},
                       "links": {"not_found": "warn", "unrecognized_links": "ignore"}},
    }
    if output is not None:
        data["nav"] = _nav(output.nav)
    if serve:
        data["hooks"] = [__file__]
        data["watch"] = [str(context.project / n) for n in ("communities", "content", "site_config.yml")]
        data["extra"]["dangjian_project"] = str(context.project)
        data["extra"]["dangjian_as_of"] = context.as_of.isoformat()
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    return text.replace("'__SLUGIFY__'", SLUG_TAG).replace("__SLUGIFY__", SLUG_TAG)


def _inject(files: Files, config: MkDocsConfig, output: Output) -> Files:
    from mkdocs.structure.files import File

    for path, text in sorted(output.pages.items()):
        files.append(File.generated(config, path, content=text))
    for path, data in sorted(output.files.items()):
        files.append(File.generated(config, path, content=data))
    return files


def _plugin(output: Output, progress: Callable[[int], None] | None) -> Any:
    from mkdocs.plugins import BasePlugin

    class Injector(BasePlugin):  # type: ignore[type-arg]
        done = 0

        def on_files(self, files: Files, config: MkDocsConfig) -> Files:
            return _inject(files, config, output)

        def on_post_page(self, html: str, **kwargs: Any) -> str:
            self.done += 1
            if progress is not None and self.done % PROGRESS_EVERY == 0:
                progress(self.done)
            return html

    return Injector()


class _Counter(logging.Handler):
    """Collects MkDocs warnings and errors so the CLI can report (and count) them."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"mkdocs: {record.getMessage()}")


def build_site(context: SiteContext, output: Output, site_dir: Path,
               progress: Callable[[int], None] | None = None) -> BuildStats:
    """Build into ``site_dir`` (which must not exist yet) with the rendered pages injected."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    logging.getLogger("jieba").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="dangjian-docs-") as tmp:
        docs = Path(tmp) / "docs"
        docs.mkdir()
        cfg_file = Path(tmp) / "mkdocs.yml"
        cfg_file.write_text(config_text(context, output, docs, site_dir), encoding="utf-8")
        counter = _Counter()
        mk_log = logging.getLogger("mkdocs")
        mk_log.addHandler(counter)
        try:
            config = load_config(config_file=str(cfg_file))
            config.plugins["dangjian"] = _plugin(output, progress)
            build(config)
        except (SystemExit, Exception) as exc:
            raise EngineError("\n".join([*counter.messages, f"{type(exc).__name__}: {exc}"])) from exc
        finally:
            mk_log.removeHandler(counter)
    return BuildStats(pages=len(output.pages), files=len(output.files), warnings=counter.messages)


def serve_site(context: SiteContext, host: str, port: int) -> None:
    """Preview with live reload; edits to records, content or config rebuild the open page."""
    from mkdocs.commands.serve import serve

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    with tempfile.TemporaryDirectory(prefix="dangjian-serve-") as tmp:
        docs = Path(tmp) / "docs"
        docs.mkdir()
        cfg_file = Path(tmp) / "mkdocs.yml"
        cfg_file.write_text(config_text(context, None, docs, Path(tmp) / "site", serve=True), encoding="utf-8")
        serve(config_file=str(cfg_file), dev_addr=f"{host}:{port}", livereload=True)


# --- hooks used by `dangjian serve` (MkDocs loads this file as a hooks module) --------

def on_config(config: MkDocsConfig) -> MkDocsConfig:
    extra = config.extra
    if "dangjian_project" not in extra:
        return config
    from generator.errors import DataErrors
    from generator.pipeline import run

    result = run(Path(extra["dangjian_project"]), dt.date.fromisoformat(extra["dangjian_as_of"]))
    if result.output is None or result.log.errors:
        for err in result.log:
            logging.getLogger("mkdocs").error(str(err))
        raise DataErrors(result.log.errors) if result.log.errors else RuntimeError("pipeline failed")
    config.nav = _nav(result.output.nav)
    config["dangjian_output"] = result.output
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    output = config.get("dangjian_output")
    return _inject(files, config, output) if output is not None else files
