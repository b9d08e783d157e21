"""The pipeline, stage by stage: load -> validate -> publish -> score -> render.

``run`` never touches MkDocs; the ``build`` stage lives in ``mkdocs_adapter``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import DataError, ErrorLog
from generator.pages.registry import Output, render_site
from generator.records.config import SiteConfig, load_config
from generator.records.load import check_content, load_district
from generator.records.model import District
from generator.records.pii import scan_context
from generator.records.publish import HeldBack, publish
from generator.records.validate import validate
from generator.scoring.score import Scores, score_district


@dataclass
class SiteContext:
    """Everything a renderer may read. Built once per build, never mutated by renderers."""

    project: Path
    config: SiteConfig
    district: District  # the published view: drafts and internal records are gone
    as_of: dt.date
    held_back: list[HeldBack] = field(default_factory=list)
    scores: Scores | None = None
    warnings: list[DataError] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Result:
    log: ErrorLog
    context: SiteContext | None = None
    output: Output | None = None


def prepare(project: Path, as_of: dt.date) -> Result:
    """load -> validate -> publish -> score. Stops before rendering."""
    config, log = load_config(project / "site_config.yml", project)
    district, load_log = load_district(project / "communities", project)
    log.extend(load_log)
    if district is not None:
        log.extend(validate(district, as_of, partial=bool(log.errors)))
    log.extend(check_content(project))  # content/ files that must not be published
    if district is None or config is None or log.errors:
        return Result(log)
    public, held = publish(district)
    context = SiteContext(project=project, config=config, district=public, as_of=as_of, held_back=held)
    log.extend(scan_context(context))  # personal information in anything published is an error
    scores, score_log = score_district(context)
    log.extend(score_log)
    context.scores = scores
    context.warnings = list(log.warnings)
    return Result(log, context)


def run(project: Path, as_of: dt.date, previous_site: Path | None = None) -> Result:
    """The whole data pipeline up to rendered pages (no MkDocs).

    ``previous_site`` is the currently published site (if any), so that
    renderers can compare against it (e.g. the "what changed" page).
    """
    result = prepare(project, as_of)
    if result.context is None or result.log.errors:
        return result
    result.context.extra["previous_site"] = previous_site
    output, render_log = render_site(result.context)
    result.log.extend(render_log)
    result.output = output
    return result
