"""What every command shares: the project and as-of options, and printing for staff."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import click

from generator.errors import ErrorLog
from generator.messages import t


def project_path(path: str | None) -> Path:
    return Path(path).resolve() if path else Path.cwd().resolve()


def as_of_date(value: str | None) -> dt.date:
    """``--as-of``, else ``SOURCE_DATE_EPOCH`` (reproducible builds), else today."""
    if value:
        return dt.date.fromisoformat(value)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.date.today()


def _validate_as_of(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(t("cli.bad_date")) from None
    return value


project_option = click.option("--project", "-p", type=click.Path(file_okay=False), default=None,
                              metavar=t("cli.folder"), help=t("cli.help.project"))
as_of_option = click.option("--as-of", callback=_validate_as_of, metavar="YYYY-MM-DD", help=t("cli.help.as_of"))
strict_option = click.option("--strict", is_flag=True, help=t("cli.help.strict"))


def say(line: str) -> None:
    """A line for staff, on standard error (standard output stays for results)."""
    click.echo(line, err=True)


def report(log: ErrorLog, strict: bool) -> int:
    """Print errors and warnings; return the number of problems that fail the run."""
    from generator.build import report_log

    return report_log(log, strict, say)
