"""``dangjian serve`` on MkDocs: live reload that rebuilds only the pages whose Markdown changed.

MkDocs runs its development server with ``build_type="dirty"`` and loads this file as a *hooks* module.
On every reload the hooks call the data pipeline (the callback ``serve_site`` registered), compare its
pages and files with the last build's, and tell MkDocs which ones changed (:class:`Plan`): a dirty build
renders and writes only those (``File.is_modified``), deletes what is gone, and keeps the rest of the
site folder as it is.  Whatever a dirty build would get wrong is handled here:

* a page that is not rebuilt is not read: its front matter (the sitemap's ``lastmod``, what the nav may
  show) and its date are those its last build read;
* the search plugin indexes only the pages it builds: the index is written from every page's entries,
  those of the pages not rebuilt kept from their last build (Material's own dirty-build merge assumes
  a single page and is not used);
* a change of the nav, of which pages are hand-written, or of the records between good and broken
  (every address then shows the problems), the first build and a build after one that failed rebuild
  everything from an empty folder;
  so do pages with Markdown links when pages are added or removed (a link's target may have appeared).

The served folder is then the one a clean build of the same pages would give.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from mkdocs import utils
from mkdocs.structure.files import File, Files, InclusionLevel

from generator import urls

# Absolute imports: MkDocs loads this file as a hooks module, outside the package.
from generator.engine import mkdocs_adapter as adapter
from generator.engine import publish
from generator.engine.html_blocks import Stash
from generator.engine.idle_gc import IdleCollector
from generator.engine.mkdocs_search import fast_add, index_values
from generator.engine.mkdocs_watch import native_observer, poll_interval, quick_server

if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

    from generator.pages.output import Output
    from generator.records.config import SiteConfig

ServeRebuild = Callable[[], tuple["Output", list[str]]]
"""Runs the data pipeline: the pages to serve, and the problems to print (none when the records are good)."""
Built = Callable[[dict[str, Any]], None]
"""Told after each build: seconds per step and how many pages and files were written."""

LINK_SYNTAX = ("](", "]:")  # Markdown links MkDocs resolves against the site's files


class _CompiledTemplates(jinja2.BytecodeCache):
    """The theme's templates compiled once per process, not once per build (MkDocs makes a new Jinja
    environment for every build); a template whose source changed is compiled again (Jinja checks)."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


class _ThemeListing:
    """The theme folders' static files, listed once per process: MkDocs walks every theme folder (Material's
    thousands of icons) for every build.  The preview does not watch the theme, as MkDocs's own does not
    by default, so what a rebuild would list is what the first build listed."""

    def __init__(self) -> None:
        self.names: dict[tuple[str, ...], list[str]] = {}

    def install(self, config: MkDocsConfig) -> None:
        theme = config.theme
        make_env = type(theme).get_env.__get__(theme)
        key = (*theme.dirs, "|", *theme.static_templates)

        def get_env() -> jinja2.Environment:
            env = make_env()
            listed = env.list_templates

            def list_templates(extensions: Any = None, filter_func: Any = None) -> list[str]:
                if extensions is not None or filter_func is None:
                    return listed(extensions, filter_func)
                mine = (*key, filter_func.__qualname__)  # one caller: Files.add_files_from_theme
                if mine not in self.names:
                    self.names[mine] = listed(None, filter_func)
                return list(self.names[mine])

            env.list_templates = list_templates  # type: ignore[method-assign]
            return env

        theme.get_env = get_env  # type: ignore[method-assign]


class ServeFile(File):
    """A generated page or file that is rebuilt only when :class:`Plan` says it changed."""

    modified = True

    def is_modified(self) -> bool:
        return self.modified


@dataclass
class Plan:
    """What one build rebuilds: everything (``full``), or the ``changed`` paths, after deleting ``removed``."""

    full: bool
    changed: set[str] = field(default_factory=set)
    removed: set[str] = field(default_factory=set)


@dataclass
class _Last:
    """What the last build was given: enough to tell what the next one must rebuild."""

    sources: dict[str, str | bytes]
    nav: list[Any]
    untrusted: set[str]
    broken: bool


class Preview:
    """One ``dangjian serve``: the last build's sources, and each page's search entries and sitemap date."""

    def __init__(self, rebuild: ServeRebuild, as_of: dt.date, built: Built | None = None) -> None:
        self.rebuild, self.as_of, self.built = rebuild, as_of, built
        self.last: _Last | None = None
        self.plan = Plan(full=True)
        self.output: Output | None = None
        self.untrusted: set[str] = set()
        self.stashes: dict[str, Stash] = {}
        self.entries: dict[str, list[Any]] = {}  # page -> its search index entries, as last built
        self.read: dict[str, tuple[dict[str, Any], str]] = {}  # page -> its front matter and date, as last read
        self.order: list[str] = []  # the pages, in build order
        self.mark = 0  # search entries already given to a page in this build
        self.templates = _CompiledTemplates()
        self.listing = _ThemeListing()
        self.seconds: dict[str, float] = {}
        self.started = 0.0
        self.started_at = 0.0  # the wall clock when the last build started (benchmarks: when was the edit seen)
        self.finished = True  # the last build ran to its end (a failed one leaves the folder half-written)
        self.collector = IdleCollector()

    # --- the hooks' work -------------------------------------------------------------------------------

    def configure(self, config: MkDocsConfig) -> MkDocsConfig:
        """Re-run the data pipeline and plan the build.  Broken records come back as an error page at
        every address, never as a failed build: a failed build would leave each request waiting."""
        self.started, self.started_at = time.perf_counter(), time.time()
        if self.last is not None:
            self.collector.pause()  # an edit: collect garbage after the rebuild, not during it (idle_gc)
        try:
            output, problems = self.rebuild()
        except BaseException:
            self.collector.resume_now()
            raise
        self.seconds = {"pipeline": time.perf_counter() - self.started}
        if problems:
            logging.getLogger("mkdocs").error("\n".join(problems))
            nav: list[Any] = [{"首页": urls.source(urls.HOME)}]
            self.untrusted = set()
        else:
            nav = adapter._nav(output.nav)
            self.untrusted = set(output.untrusted)  # hand-written ``content/`` pages: sanitised
        config.nav = nav
        self.listing.install(config)
        self.output = output
        self.plan = self._plan(_Last({**output.pages, **output.files}, nav, self.untrusted, bool(problems)))
        if self.plan.full:
            self.collector.resume_now()
        self.mark = 0
        search = _search_plugin(config)
        if search is not None:
            search.is_dirty = False  # the index is merged here (on_post_build), not by the plugin
        return adapter.harden_config(config)

    def _plan(self, now: _Last) -> Plan:
        last, self.last = self.last, now
        finished, self.finished = self.finished, False
        if last is None or not finished or (last.nav, last.untrusted, last.broken) != (now.nav, now.untrusted,
                                                                                     now.broken):
            return Plan(full=True)
        changed = {path for path, data in now.sources.items() if last.sources.get(path) != data}
        removed = set(last.sources) - set(now.sources)
        if changed - set(last.sources) or removed:
            assert self.output is not None
            changed |= {path for path, text in self.output.pages.items() if any(s in text for s in LINK_SYNTAX)}
        return Plan(full=False, changed=changed, removed=removed)

    def clear(self, config: MkDocsConfig) -> None:
        """Before the build: an empty site folder for a full build; otherwise remove what is gone."""
        search = getattr(_search_plugin(config), "search_index", None)
        if search is not None:  # pages indexed as builds index them (mkdocs_search_parse)
            search.add_entry_from_context = fast_add(search)
        site = Path(config.site_dir)
        if self.plan.full:
            utils.clean_directory(str(site))
            self.entries.clear()
            self.read.clear()
            return
        for path in sorted(self.plan.removed):
            target = Path(File.generated(config, path, content=b"").abs_dest_path)
            target.unlink(missing_ok=True)
            for folder in target.parents:
                if folder == site or not folder.is_relative_to(site) or any(folder.iterdir()):
                    break
                folder.rmdir()
            self.entries.pop(path, None)
            self.read.pop(path, None)

    def inject(self, files: Files, config: MkDocsConfig) -> Files:
        output = self.output
        assert output is not None
        for source in (output.pages, output.files):
            for path, data in sorted(source.items()):
                file = ServeFile.generated(config, path, content=data)
                file.modified = self.plan.full or path in self.plan.changed
                files.append(file)
        return files

    def before(self, markdown: str, page: Page) -> str:
        adapter.harden_page(page, self.as_of)
        self.read[page.file.src_uri] = (dict(page.meta), page.update_date)
        return adapter.before_markdown(markdown, page, self.untrusted, self.stashes)

    def after(self, html: str, page: Page) -> str:
        return adapter.after_markdown(html, page, self.untrusted, self.stashes)

    def environment(self, env: Environment, files: Files) -> Environment:
        """Pages not rebuilt were not read: give them the front matter and date their last build read."""
        pages = files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
        self.order = [f.src_uri for f in pages]
        for file in pages:
            read = self.read.get(file.src_uri)
            if file.page is not None and not file.is_modified() and read is not None:
                file.page.meta, file.page.update_date = dict(read[0]), read[1]
        env.bytecode_cache = self.templates
        return adapter.harden_env(env)

    def indexed(self, page: Page, config: MkDocsConfig) -> None:
        """After the search plugin indexed ``page``: keep its entries."""
        search = _search_plugin(config)
        if search is None:
            return
        entries = search.search_index.entries
        self.entries[page.file.src_uri] = list(entries[self.mark:])
        self.mark = len(entries)

    def finish(self, config: MkDocsConfig) -> None:
        """Write the search index of every page, then report the build."""
        search = _search_plugin(config)
        if search is not None:  # as the plugin writes it (``generate_search_index``), compacted as builds do
            index = search.search_index
            data = index_values(index, [e for src in self.order for e in self.entries.get(src, [])])
            text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
            utils.write_file(text.encode("utf-8"), str(Path(config.site_dir) / "search" / "search_index.json"))
        self.finished = True
        self.collector.resume_later()
        self.seconds["engine"] = time.perf_counter() - self.started - self.seconds["pipeline"]
        if self.built is not None:
            written = len(self.output.pages) + len(self.output.files) if self.plan.full and self.output else len(
                self.plan.changed)
            self.built({"seconds": dict(self.seconds), "started_at": self.started_at, "full": self.plan.full,
                        "written": written,
                        "removed": len(self.plan.removed)})


def _search_plugin(config: MkDocsConfig) -> Any:
    for plugin in config.plugins.values():
        if hasattr(plugin, "search_index") and hasattr(plugin, "is_dirty"):
            return plugin
    return None


class _NoDirtyWarning(logging.Filter):
    """MkDocs warns (in English) at every dirty build that its navigation may be inaccurate: here it is not."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("A 'dirty' build is being performed")


_PREVIEWS: dict[str, Preview] = {}


def serve_site(config: SiteConfig, project: Path, as_of: dt.date, host: str, port: int,
               rebuild: ServeRebuild, built: Built | None = None) -> None:
    """Preview with live reload; edits to records, content or config rebuild the open page.

    ``rebuild`` runs the data pipeline and returns the pages to serve and the problems to print
    (none when the records are good; otherwise the pages show the problems).
    """
    from mkdocs.commands import serve as serve_command

    preview = _PREVIEWS["serving"] = Preview(rebuild, as_of, built)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    adapter._quiet_jieba()  # as builds do: no English lines about loading the dictionary
    quiet = _NoDirtyWarning()
    logging.getLogger("mkdocs.commands.build").addFilter(quiet)
    server_class = serve_command.LiveReloadServer
    try:
        with tempfile.TemporaryDirectory(prefix=publish.process_temp_prefix("dangjian-serve-")) as tmp:
            docs = Path(tmp) / "docs"
            docs.mkdir()
            cfg_file = Path(tmp) / "mkdocs.yml"
            cfg_file.write_text(adapter.config_text(config, project, None, docs, Path(tmp) / "site",
                                                    serve_hooks=Path(__file__)), encoding="utf-8")
            serve_command.LiveReloadServer = quick_server(server_class, poll_interval(project), native_observer(
                [project / "communities", project / "content"]))
            serve_command.serve(config_file=str(cfg_file), dev_addr=f"{host}:{port}", livereload=True,
                                build_type="dirty")
    finally:
        serve_command.LiveReloadServer = server_class
        preview.collector.resume_now()
        logging.getLogger("mkdocs.commands.build").removeFilter(quiet)


# --- hooks (MkDocs loads this file as a hooks module: the registration lives in the package's copy) ---

def _preview(config: MkDocsConfig) -> Preview | None:
    if "dangjian_project" not in config.extra:
        return None
    from generator.engine import mkdocs_serve as registered

    return registered._PREVIEWS.get("serving")


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    preview = _preview(config)
    return preview.configure(config) if preview is not None else config


def on_pre_build(config: MkDocsConfig) -> None:
    preview = _preview(config)
    if preview is not None:
        preview.clear(config)


def on_files(files: Files, config: MkDocsConfig) -> Files:
    preview = _preview(config)
    return preview.inject(files, config) if preview is not None else files


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, **kwargs: Any) -> str:
    preview = _preview(config)
    return preview.before(markdown, page) if preview is not None else markdown


def on_page_content(html: str, *, page: Page, config: MkDocsConfig, **kwargs: Any) -> str:
    preview = _preview(config)
    return preview.after(html, page) if preview is not None else html


def on_env(env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
    preview = _preview(config)
    return preview.environment(env, files) if preview is not None else adapter.harden_env(env)


def on_page_context(context: Any, *, page: Page, config: MkDocsConfig, nav: Navigation) -> Any:
    preview = _preview(config)
    if preview is not None:
        preview.indexed(page, config)
    return context


def on_post_page(html: str, **kwargs: Any) -> str:
    return adapter.valid_html(html)


def on_build_error(*, error: Exception, **kwargs: Any) -> None:
    from generator.engine import mkdocs_serve as registered

    preview = registered._PREVIEWS.get("serving")
    if preview is not None:
        preview.collector.resume_now()


def on_post_build(*, config: MkDocsConfig) -> None:
    preview = _preview(config)
    if preview is not None:
        preview.finish(config)
