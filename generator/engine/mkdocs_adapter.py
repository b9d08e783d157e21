"""The only module that touches MkDocs (with its serve part, ``mkdocs_serve``): config, in-memory page
injection, build, and the hardening both share.

Swapping the engine (ProperDocs, Zensical) means rewriting these two modules only.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from markupsafe import Markup, escape

from generator import urls
from generator.cache import cache_folder
from generator.engine import mkdocs_pool, publish
from generator.engine.html_blocks import Stash

# Absolute import: `dangjian serve` loads this file as a MkDocs hooks module, outside the package.
from generator.engine.material import sanitize_content_page
from generator.engine.mkdocs_front_matter import front_matter_memo
from generator.engine.mkdocs_nav import NavFragments
from generator.engine.mkdocs_page_cache import PageCache, site_version
from generator.engine.mkdocs_search import (
    IndexData,
    SearchParts,
    cache_search_entries,
    compact_search_index,
    search_split,
    segment_once,
    take_over_index,
)
from generator.engine.mkdocs_urls import plain_canonical_urls
from generator.engine.mkdocs_writes import linked_writes
from generator.engine.verify_cache import published_files
from generator.messages import t
from generator.pages import parallel
from generator.pages.markup import SafeMarkdown

if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

    from generator.context import SiteContext
    from generator.pages.output import NavEntry, Output
    from generator.records.config import SiteConfig

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
    return own if own.is_dir() else Path(__file__).resolve().parents[2] / "theme"


SYNONYMS_FILE = Path(__file__).resolve().parents[1] / "data" / "search_synonyms.yml"


def search_synonyms() -> list[list[str]]:
    """Groups of words residents use for the same thing (``data/search_synonyms.yml``)."""
    data = yaml.safe_load(SYNONYMS_FILE.read_text(encoding="utf-8")) or []
    return [[str(word) for word in group] for group in data]


def config_text(cfg: SiteConfig, project: Path, output: Output | None, docs_dir: Path, site_dir: Path,
                serve_hooks: Path | None = None, search_towns: list[str] | None = None) -> str:
    """The MkDocs configuration derived from ``site_config.yml``, as YAML text.

    ``search_towns``: the towns whose pages load their own part of the search index (see search_parts)."""
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
            "custom_dir": str(theme_dir(project)),
            "language": "zh",
            "font": False,
            "palette": {"scheme": "default", "primary": cfg.site.primary, "accent": cfg.site.accent},
            "features": ["navigation.top", "navigation.footer", "search.highlight",
                         "toc.follow"],
            "icon": {"logo": "material/flag-variant"},
        },
        "plugins": [{"search": {"lang": "zh", "separator": r"[\s\u200b\-_,:!=\[\]()\"`/]+|\.(?!\d)"}}],
        "markdown_extensions": [
            "attr_list", "tables", "admonition", "def_list",
            {"toc": {"permalink": False, "slugify": "__SLUGIFY__"}},
        ],
        "extra": {"generator": False, "footer": footer, "sample_data": cfg.site.sample_data,
                  "short_name": cfg.site.short_name, "feed": urls.FEED, "search_synonyms": search_synonyms(),
                  "search_towns": {town: urls.search_part(town) for town in search_towns or []}},
        "extra_css": ["assets/stylesheets/dangjian.css"],
        "extra_javascript": ["assets/javascripts/dangjian.js"],
        "not_in_nav": "".join(f"/{pattern}\n" for pattern in urls.UNLISTED),
        "validation": {"nav": {"omitted_files": "ignore", "not_found": "warn"},
                       "links": {"not_found": "warn", "unrecognized_links": "ignore"}},
    }
    if output is not None:
        data["nav"] = _nav(output.nav)
    if serve_hooks is not None:  # `dangjian serve`: the hooks re-run the pipeline on every reload
        data["hooks"] = [str(serve_hooks)]
        data["watch"] = [str(project / n) for n in ("communities", "content", "site_config.yml")]
        data["extra"]["dangjian_project"] = str(project)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    return text.replace("'__SLUGIFY__'", SLUG_TAG).replace("__SLUGIFY__", SLUG_TAG)


def _inject(files: Files, config: MkDocsConfig, output: Output) -> Files:
    from mkdocs.structure.files import File

    from generator.engine.mkdocs_spool import spooled_file

    pages = sorted([*output.pages.items(), *output.spooled.items()], key=lambda item: item[0])
    others = sorted([*output.files.items(), *output.spooled_files.items()], key=lambda item: item[0])
    for entries, page in ((pages, True), (others, False)):
        for path, value in entries:
            files.append(File.generated(config, path, content=value) if isinstance(value, str | bytes)
                         else spooled_file(config, path, value, page))
    return files


def _plugin(output: Output, progress: Callable[[int], None] | None, as_of: dt.date,
            untrusted: set[str], cache_dir: Path | None = None, search: SearchParts | None = None) -> Any:
    from mkdocs.plugins import BasePlugin

    class Injector(BasePlugin):  # type: ignore[type-arg]
        done = 0
        stashes: dict[str, Stash] = {}  # noqa: RUF012 - one plugin instance per build
        index: IndexData | None = None

        def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
            cache_search_entries(config, cache_dir)  # runs after the search plugin made its index
            self.index = take_over_index(config)
            return harden_config(config)

        def on_env(self, env: Environment, **kwargs: Any) -> Environment:
            return harden_env(env)

        def on_files(self, files: Files, config: MkDocsConfig) -> Files:
            return _inject(files, config, output)

        def on_page_markdown(self, markdown: str, *, page: Page, **kwargs: Any) -> str:
            harden_page(page, as_of)
            return before_markdown(markdown, page, untrusted, self.stashes)

        def on_page_content(self, html: str, *, page: Page, **kwargs: Any) -> str:
            return after_markdown(html, page, untrusted, self.stashes)

        def on_post_page(self, html: str, **kwargs: Any) -> str:
            self.done += 1
            if progress is not None and self.done % PROGRESS_EVERY == 0 and not mkdocs_pool.in_worker():
                progress(self.done)
            return valid_html(html)

        def on_post_template(self, output_content: str, *, template_name: str, **kwargs: Any) -> str:
            return valid_html(output_content) if template_name.endswith(".html") else output_content

        def on_post_build(self, *, config: MkDocsConfig) -> None:
            compact_search_index(Path(config.site_dir), search, self.index)

    return Injector()


def before_markdown(markdown: str, page: Page, untrusted: set[str], stashes: dict[str, Stash]) -> str:
    """Generated pages: stash their HTML blocks so Markdown does not re-parse them."""
    if page.file.src_uri in untrusted:
        return markdown
    stash = stashes[page.file.src_uri] = Stash(markdown)
    return stash.markdown


def after_markdown(html: str, page: Page, untrusted: set[str], stashes: dict[str, Stash]) -> str:
    """Hand-written pages are sanitized; generated pages get their HTML blocks back."""
    if page.file.src_uri in untrusted:
        return sanitize_content_page(html)
    stash = stashes.pop(page.file.src_uri, None)
    return stash.restore(html) if stash is not None else html


# --- hardening: MkDocs's Jinja environment does not autoescape, and Material prints titles,
# descriptions and config strings as HTML. Everything that comes from records, content/ or
# site_config.yml is escaped once here, as Markup, so that templates can print it either way.

CONFIG_TEXT = ("site_name", "site_description", "copyright")
LASTMOD = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _escaped(value: Any) -> Any:
    if isinstance(value, Markup):
        return value
    if isinstance(value, str):
        return escape(value)
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    if isinstance(value, dict):
        return {_escaped(k): _escaped(v) for k, v in value.items()}
    return value


def harden_config(config: MkDocsConfig) -> MkDocsConfig:
    for key in CONFIG_TEXT:
        if config.get(key):
            config[key] = _escaped(config[key])
    for key in ("footer", "short_name"):
        if key in config.extra:
            config.extra[key] = _escaped(config.extra[key])
    if config.nav:
        config.nav = _escaped(config.nav)  # titles; paths are plain ids
    if not any(isinstance(e, SafeMarkdown) for e in config.markdown_extensions):
        config.markdown_extensions.append(SafeMarkdown())
    return config


# Two spots where Material's base template is not valid HTML (Nu Html Checker): autocomplete on
# checkboxes, and the table-of-contents label pointing at a toggle that pages outside the nav lack.
MATERIAL_INVALID = [(f'type="checkbox" id="{i}" autocomplete="off">', f'type="checkbox" id="{i}">')
                    for i in ("__drawer", "__search")]
TOC_LABEL = '<label class="md-nav__title" for="__toc">'


def valid_html(html: str) -> str:
    for old, new in MATERIAL_INVALID:
        html = html.replace(old, new)
    if TOC_LABEL in html and 'id="__toc"' not in html:
        html = html.replace(TOC_LABEL, '<label class="md-nav__title">')
    return html


def _striptags(value: Any) -> Markup:
    """Jinja's striptags returns unescaped text; in a non-escaping environment that is HTML."""
    return escape(Markup(str(value)).striptags())


def harden_env(env: Environment) -> Environment:
    env.filters["striptags"] = _striptags
    env.globals["dj_nav"] = NavFragments()  # theme/main.html: the sidebar navigation, once per set of links
    return env


def harden_page(page: Page, as_of: dt.date) -> None:
    """Escape front-matter text; date the page for the sitemap from its own ``lastmod`` (never the clock)."""
    meta = page.meta
    lastmod = meta.get("lastmod")
    if isinstance(lastmod, dt.datetime):
        lastmod = lastmod.date()
    if isinstance(lastmod, dt.date):
        lastmod = lastmod.isoformat()
    if not (isinstance(lastmod, str) and LASTMOD.match(lastmod)):
        meta.pop("lastmod", None)
        lastmod = None
    for key, value in list(meta.items()):
        meta[key] = _escaped(value)
    if lastmod:
        meta["lastmod"] = lastmod
    # MkDocs dates every page (and the sitemap.xml.gz header) with the build clock.
    page.update_date = lastmod or as_of.isoformat()


class _Counter(logging.Handler):
    """Collects MkDocs warnings and errors so the CLI can report (and count) them."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(t("engine.message", text=record.getMessage()))


def _quiet_jieba() -> None:
    """jieba logs its dictionary loading at DEBUG on import; keep build output to our own lines.  (And
    each distinct run of Chinese is segmented once: ``mkdocs_search.segment_once``.)"""
    try:
        import jieba
    except ImportError:  # search then works without segmentation
        return
    jieba.setLogLevel(logging.WARNING)
    segment_once()


def _every(progress: Callable[[int], None] | None) -> Callable[[int], None] | None:
    """``progress`` for each multiple of :data:`PROGRESS_EVERY` passed, given the pages built so far."""
    if progress is None:
        return None
    told = [0]

    def tell(done: int) -> None:
        for k in range(told[0] + PROGRESS_EVERY, done + 1, PROGRESS_EVERY):
            progress(k)
        told[0] = max(told[0], done - done % PROGRESS_EVERY)

    return tell


@dataclass(frozen=True)
class EngineInput:
    """What the engine reads of the scored district, taken before it runs: the build then lets the district go, so
    its records and results (~250 MB at 2,000 communities) are not held while MkDocs and the output check run."""

    project: Path
    config: SiteConfig
    as_of: dt.date
    communities: int
    search: SearchParts | None  # the search index's parts (``search_split``)


def engine_input(context: SiteContext) -> EngineInput:
    return EngineInput(context.project, context.config, context.as_of, len(context.district.communities()),
                       search_split(context))


def build_site(site: EngineInput, output: Output, site_dir: Path,
               progress: Callable[[int], None] | None = None, published: Path | None = None) -> BuildStats:
    """Build into ``site_dir`` (a new folder, or a spare tree to build in: ``reused_tree``) with the rendered pages
    injected; a file equal to the one at its path in ``published`` (the site in place) is a hard link to it."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    _quiet_jieba()
    with tempfile.TemporaryDirectory(prefix=publish.process_temp_prefix("dangjian-docs-")) as tmp:
        docs = Path(tmp) / "docs"
        docs.mkdir()
        cfg_file = Path(tmp) / "mkdocs.yml"
        search = site.search
        towns = search[1] if search else None
        cfg_file.write_text(config_text(site.config, site.project, output, docs, site_dir,
                                        search_towns=towns), encoding="utf-8")
        folder = cache_folder(site.project)
        # The page cache's site version: the configuration without this build's temporary folders.
        pages = PageCache(folder, site_version(
            config_text(site.config, site.project, output, Path("docs"), Path("site"), search_towns=towns),
            theme_dir(site.project), site.as_of.isoformat())) if folder is not None else None
        counter = _Counter()
        mk_log = logging.getLogger("mkdocs")
        mk_log.addHandler(counter)
        # MkDocs dates pages and sitemap.xml.gz from SOURCE_DATE_EPOCH or the clock: pin it to --as-of.
        own_epoch = "SOURCE_DATE_EPOCH" not in os.environ
        if own_epoch:
            os.environ["SOURCE_DATE_EPOCH"] = str(int(dt.datetime.combine(site.as_of, dt.time(),
                                                                          dt.UTC).timestamp()))
        try:
            config = load_config(config_file=str(cfg_file))
            untrusted = set(output.untrusted)  # hand-written ``content/`` pages: sanitised
            config.plugins["dangjian"] = _plugin(output, progress, site.as_of, untrusted, folder, search)
            workers = parallel.workers_wanted(site.communities)
            read = partial(harden_page, as_of=site.as_of)  # the parent's share of on_page_markdown
            known = published_files(folder) if folder is not None and published is not None else None
            with (linked_writes(site_dir, published, known), front_matter_memo(folder), plain_canonical_urls(),
                  mkdocs_pool.pages_on_workers(workers, _every(progress), read, pages, frozenset(untrusted))):
                build(config)
            if pages is not None:
                pages.prune()
        except (SystemExit, Exception) as exc:
            raise EngineError("\n".join([*counter.messages, f"{type(exc).__name__}: {exc}"])) from exc
        finally:
            mk_log.removeHandler(counter)
            if own_epoch:
                os.environ.pop("SOURCE_DATE_EPOCH", None)
    return BuildStats(pages=output.page_count, files=output.file_count, warnings=counter.messages)
