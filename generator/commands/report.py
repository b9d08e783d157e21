"""``dangjian report``: a town's (or the district's) half-year report as a Word file.

    dangjian report --town chunhui --period 2026-H1            # -> reports/chunhui-2026-H1.docx
    dangjian report --district --period 2026-H1 --markdown reports/district-2026-H1.md

The report is computed from the published records exactly as the site shows them
(``generator.pages.halfyear``); when the data has errors they are listed with file and line
and nothing is written (exit 1).  A bad option is a usage error (exit 2).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click

from generator.commands.common import as_of_date, as_of_option, project_option, project_path, say
from generator.commands.common import report as report_log
from generator.messages import join, t
from generator.pages.halfyear import half_year_report
from generator.pages.halfyear_outline import outline
from generator.records.periods import period_bounds, period_label
from generator.reports.docx_report import write_docx
from generator.reports.markdown_report import to_markdown

PERIOD_RE = re.compile(r"^20[0-9]{2}-H[12]\Z")
DISTRICT_FILE = "district"  # reports/district-<period>.docx


def _fail(line: str, code: int = 2) -> None:
    say(line)
    sys.exit(code)


def _target(path: str | None, default: str) -> Path:
    out = Path(path) if path else Path("reports") / default
    return out if out.is_absolute() else Path.cwd() / out


@click.command("report", help=t("report.help.command"))
@click.option("--town", metavar="TOWN-ID", help=t("report.help.town"))
@click.option("--district", is_flag=True, help=t("report.help.district"))
@click.option("--period", required=True, metavar="YYYY-H1|YYYY-H2", help=t("report.help.period"))
@project_option
@as_of_option
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None, help=t("report.help.output"))
@click.option("--markdown", type=click.Path(dir_okay=False), default=None, help=t("report.help.markdown"))
def report(town: str | None, district: bool, period: str, project: str | None, as_of: str | None,
                   output: str | None, markdown: str | None) -> None:
    from generator.pipeline import prepare

    if not PERIOD_RE.match(period):
        _fail(t("report.error.bad_period", value=period))
    if bool(town) == district:
        _fail(t("report.error.scope"))
    day = as_of_date(as_of)
    if period_bounds(period)[0] > day:
        _fail(t("report.error.future", period=period, as_of=day.isoformat()))
    result = prepare(project_path(project), day)
    failed = report_log(result.log, False)
    context = result.context
    if context is None or failed:
        _fail(t("report.error.failed", count=max(failed, 1)), 1)
        return
    if town is not None:
        found = next((x for x in context.district.towns if x.id == town), None)
        if found is None:
            _fail(t("report.error.unknown_town", town=town, towns=join(x.id for x in context.district.towns)))
            return
        if not found.communities:
            _fail(t("report.error.empty_town", town=town, name=found.name))
    model = half_year_report(context, period, town)
    if not model.period.ended:
        say(t("report.warning.unfinished", period=period_label(period), as_of=day.isoformat()))
    document = outline(model)
    target = _target(output, f"{town or DISTRICT_FILE}-{period}.docx")
    write_docx(document, target, day)
    click.echo(t("report.written", path=_shown(target), scope=model.name, period=period_label(period),
                 n=len(model.communities)))
    if markdown:
        md = _target(markdown, "")
        md.parent.mkdir(parents=True, exist_ok=True)
        md.write_text(to_markdown(document), encoding="utf-8")
        click.echo(t("report.written_markdown", path=_shown(md)))


def _shown(path: Path) -> str:
    cwd = Path.cwd()
    return path.relative_to(cwd).as_posix() if path.is_relative_to(cwd) else path.as_posix()
