"""The data pipeline, stage by stage: load -> validate -> publish -> score -> render.

``run`` never touches the site engine; ``build.py`` hands its output to ``engine/``.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from generator.context import SiteContext
from generator.errors import ErrorLog
from generator.pages.manifest import collect
from generator.pages.output import Output
from generator.pages.registry import render_site
from generator.records.config import load_config
from generator.records.history import FieldChange, previous_version, record_history
from generator.records.load import check_content, load_district
from generator.records.periods import period_label
from generator.records.pii import scan_published
from generator.records.publish import check_recipients, publish
from generator.records.validate import check_published_images, validate
from generator.scoring.freeze import apply_frozen
from generator.scoring.rubric import parse_refinements
from generator.scoring.rules.compare import fmt_number
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
    public, held = publish(district, as_of)
    log.extend(check_recipients(public))  # a published commendation names no held-back community or brand
    log.extend(check_published_images(public))  # what build would refuse, check refuses too
    if log.errors:
        return Result(log)
    context = SiteContext(project=project, config=config, district=public, as_of=as_of, held_back=held)
    log.extend(scan_published(project, config, public))  # personal information in anything published is an error
    # A held-back town's refinements are held back with it (its name must not reach the rubric page).
    public_towns = {t.id for t in public.towns}
    held_towns = {t.id for t in district.towns} - public_towns
    refinements = [r for r in refinements if r.town not in held_towns]
    scores, score_log = score_district(public, config, refinements, as_of)
    log.extend(score_log)
    apply_frozen(public, scores, log)  # published results are history: frozen periods must not change silently
    context.scores = scores
    context.warnings = list(log.warnings)
    return Result(log, context)


def add_history(context: SiteContext) -> None:
    """Record histories from git, and the previous version of the records for the "本次更新" page.

    The previous version is read with the same pipeline; if it cannot be (an older record format),
    the page falls back to the previous site's manifest.
    """
    project = context.project
    with tempfile.TemporaryDirectory(prefix=f"dangjian-previous-{os.getpid()}-") as tmp:
        commit = previous_version(project, Path(tmp))
        if commit is not None:
            old = prepare(Path(tmp), context.as_of)  # same day: only the records differ
            if old.context is not None and not old.log.errors:
                context.previous_records = {rid: r.as_json() for rid, r in collect(old.context).items()}
                context.previous_day = commit.day
    published = set(collect(context))
    history = record_history(project, published, list(context.config.pii_allow))
    for r in context.scores.history if context.scores else []:
        fix = r.correction
        if fix is not None:
            rid = f"community:{r.community}"
            history.setdefault(rid, []).append(FieldChange(
                fix.date, rid, f"{period_label(r.period)}考评总分(更正:{fix.reason})",
                fmt_number(fix.original_total), fmt_number(r.total)))
    context.history = {rid: sorted(changes, key=lambda ch: ch.day) for rid, changes in sorted(history.items())}


def run(project: Path, as_of: dt.date, previous_site: Path | None = None) -> Result:
    """The whole data pipeline up to rendered pages (no MkDocs).

    ``previous_site`` is the currently published site (if any), so that
    renderers can compare against it (e.g. the "what changed" page).
    """
    result = prepare(project, as_of)
    if result.context is None or result.log.errors:
        return result
    result.context.previous_site = previous_site
    add_history(result.context)
    output, render_log = render_site(result.context)
    result.log.extend(render_log)
    result.output = output
    return result
