"""The data pipeline, stage by stage: load -> validate -> publish -> score -> render.

``run`` never touches the site engine; ``build.py`` hands its output to ``engine/``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from generator.context import SiteContext
from generator.errors import ErrorLog
from generator.pages.output import Output
from generator.pages.registry import render_site
from generator.records.config import load_config
from generator.records.load import check_content, load_district
from generator.records.pii import scan_published
from generator.records.publish import check_recipients, publish
from generator.records.validate import check_published_images, validate
from generator.scoring.rubric import parse_refinements
from generator.scoring.score import score_district


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
    refinements = []
    if config is not None:
        refinements, refine_log = parse_refinements(config.rubric_refinements, config.doc, config.source_path)
        log.extend(refine_log)
    if district is None or config is None or log.errors:
        return Result(log)
    public, held = publish(district)
    log.extend(check_recipients(public))  # a published commendation names no held-back community or brand
    log.extend(check_published_images(public))  # what build would refuse, check refuses too
    if log.errors:
        return Result(log)
    context = SiteContext(project=project, config=config, district=public, as_of=as_of, held_back=held)
    log.extend(scan_published(project, config, public))  # personal information in anything published is an error
    scores, score_log = score_district(public, config, refinements, as_of)
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
    result.context.previous_site = previous_site
    output, render_log = render_site(result.context)
    result.log.extend(render_log)
    result.output = output
    return result
