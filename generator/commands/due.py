"""``dangjian due``: what falls due (or is overdue) per community, as a list, a CSV table or a printable strip."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.commands.common import as_of_date, as_of_option, project_option, project_path, report, say
from generator.messages import t
from generator.pipeline import prepare
from generator.reports.due import DueError, due_csv, due_list, due_text
from generator.reports.due_strip import due_strip

MAX_DAYS = 3650


def _days(ctx: click.Context, param: click.Parameter, value: int) -> int:
    if not 0 <= value <= MAX_DAYS:
        raise click.BadParameter(t("due.bad_within", max=MAX_DAYS))
    return value


@click.command("due", help=t("due.help"))
@click.option("--within", default=30, show_default=True, type=int, metavar="N", callback=_days,
              help=t("due.help.within"))
@click.option("--town", metavar="TOWN-ID", default=None, help=t("due.help.town"))
@click.option("--community", metavar="TOWN-ID/COMMUNITY-ID", default=None, help=t("due.help.community"))
@project_option
@as_of_option
@click.option("--format", "fmt", type=click.Choice(["text", "csv"]), default="text", show_default=True,
              help=t("due.help.format"))
@click.option("--strip", "strip", type=click.Path(dir_okay=False), metavar="FILE.html", default=None,
              help=t("due.help.strip"))
def due(within: int, town: str | None, community: str | None, project: str | None, as_of: str | None,
        fmt: str, strip: str | None) -> None:
    result = prepare(project_path(project), as_of_date(as_of))
    failed = report(result.log, False)
    if result.context is None or failed:
        say(t("due.failed", count=failed))
        sys.exit(1)
    try:
        listed = due_list(result.context, within, town, community)
    except DueError as exc:
        say(t("due.error", message=exc.message))
        sys.exit(1)
    if strip is not None:
        target = Path(strip)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(due_strip(listed), encoding="utf-8")
        except OSError as exc:
            say(t("due.error", message=t("due.write_failed", path=strip, reason=exc.strerror or exc)))
            sys.exit(1)
        say(t("due.wrote_strip", path=strip, count=len(listed.communities)))
    click.echo(due_csv(listed) if fmt == "csv" else due_text(listed), nl=False)
