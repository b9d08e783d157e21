"""The ``dangjian`` command line: a thin layer that turns located DataErrors into messages and exit codes.

Every text here comes from the message catalogue (``generator/messages``): Chinese by default,
English with ``--lang en`` or ``DANGJIAN_LANG=en``.  Help texts are read when the program starts,
so they follow ``DANGJIAN_LANG``.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import click

from generator import __version__
from generator.commands import click_words
from generator.commands.brief import brief
from generator.commands.common import (
    as_of_date,
    as_of_option,
    project_option,
    project_path,
    report,
    say,
    strict_option,
)
from generator.commands.due import due
from generator.commands.report import report as report_command
from generator.commands.sheets import export_xlsx, import_xlsx
from generator.messages import LANGUAGES, set_language, t
from generator.pipeline import prepare
from generator.records.config import load_config
from generator.records.pii import redact

PERIOD_RE = re.compile(r"^20[0-9]{2}-H[12]$")
HELD_SHOWN = 20


def _language(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    # The group always sets it (None: DANGJIAN_LANG or Chinese, so an earlier in-process run cannot leak
    # its choice); a command's own --lang, when given, overrides the group's.
    if ctx.parent is None or value is not None:
        set_language(value)
    return value


click_words.install()


def _lang_option() -> click.Option:
    return click.Option(["--lang"], type=click.Choice(LANGUAGES), callback=_language, expose_value=False,
                        is_eager=True, help=t("cli.help.lang"))


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, help=t("cli.help.main"))
@click.version_option(__version__, prog_name="dangjian", help=t("cli.help.version"))
def main() -> None:
    pass


@main.command(help=t("cli.help.check"), short_help=t("cli.short.check"))
@project_option
@as_of_option
@strict_option
@click.option("--show-held", is_flag=True, help=t("cli.help.show_held"))
def check(project: str | None, as_of: str | None, strict: bool, show_held: bool) -> None:
    result = prepare(project_path(project), as_of_date(as_of))
    failed = report(result.log, strict)
    ctx = result.context
    if ctx is None or failed:
        say(t("cli.check_failed", n=failed))
        sys.exit(1)
    held = ctx.held_back
    for h in held if show_held else held[:HELD_SHOWN]:
        click.echo(t("cli.held", record=redact(str(h), ctx.config.pii_allow)))  # drafts are not scanned: mask
    if len(held) > HELD_SHOWN and not show_held:
        click.echo(t("cli.held_more", n=len(held) - HELD_SHOWN))
    n = len(ctx.district.communities())
    scored = len(ctx.scores.results) if ctx.scores else 0
    click.echo(t("cli.check_ok", communities=n, scored=scored, held=len(held), warnings=len(result.log.warnings)))


@main.command(help=t("cli.help.freeze"), short_help=t("cli.short.freeze"))
@project_option
@as_of_option
@click.argument("period")
def freeze(project: str | None, as_of: str | None, period: str) -> None:
    from generator.scoring.freeze import freeze_text, rubric_digest

    root = project_path(project)
    day = as_of_date(as_of)
    if not PERIOD_RE.match(period):
        say(t("build.error", text=t("cli.bad_period", period=period)))
        sys.exit(1)
    target = root / "communities" / "results" / f"{period}.yml"
    shown = target.relative_to(root).as_posix()
    if target.exists():
        say(t("build.error", text=t("cli.already_frozen", file=shown, period=period)))
        sys.exit(1)
    result = prepare(root, day)
    if report(result.log, False) or result.context is None or result.context.scores is None:
        say(t("cli.nothing_frozen"))
        sys.exit(1)
    scores = result.context.scores
    rows = [r for r in scores.history if r.period == period]
    if not rows:
        say(t("build.error", text=t("cli.no_results", period=period)))
        sys.exit(1)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(freeze_text(period, rows, day, rubric_digest(scores.refinements)), encoding="utf-8")
    click.echo(t("cli.frozen", n=len(rows), period=period, file=shown))


@main.command(help=t("cli.help.build"), short_help=t("cli.short.build"))
@project_option
@as_of_option
@strict_option
@click.option("--output", "-o", type=click.Path(file_okay=False), default="site", show_default=True,
              metavar=t("cli.folder"), help=t("cli.help.output"))
def build(project: str | None, as_of: str | None, strict: bool, output: str) -> None:
    from generator.build import BuildFailed, Terminated
    from generator.build import build as build_site

    out = Path(output)
    target = out if out.is_absolute() else Path.cwd() / out
    try:
        built = build_site(project_path(project), as_of_date(as_of), strict, target, output, say)
    except BuildFailed as exc:
        say(str(exc))
        sys.exit(exc.code)
    except KeyboardInterrupt as exc:
        say(t("cli.interrupted"))
        sys.exit(143 if isinstance(exc, Terminated) else 130)
    click.echo(t("cli.built", communities=built.communities, pages=built.pages, warnings=built.warnings,
                 seconds=f"{built.seconds:.1f}", output=output))


@main.command(help=t("cli.help.verify"), short_help=t("cli.short.verify"))
@click.argument("site_dir", default="site", type=click.Path(file_okay=False))
@project_option
def verify(site_dir: str, project: str | None) -> None:
    root = project_path(project)
    config, log = load_config(root / "site_config.yml", root)
    if config is None:
        report(log, False)
        sys.exit(1)
    site = Path(site_dir)
    if not site.is_dir():
        say(t("build.error", text=t("cli.no_site", site=site_dir)))
        sys.exit(1)
    from generator.build import verify_output

    findings = verify_output(config, root, site, site_dir.rstrip("/"), say)
    files = sum(1 for p in site.rglob("*") if p.is_file())
    if findings:
        say(t("cli.verify_failed", n=findings, files=files))
        sys.exit(1)
    click.echo(t("cli.verify_ok", files=files))


@main.command(help=t("cli.help.serve"), short_help=t("cli.short.serve"))
@project_option
@as_of_option
@click.option("--host", default="127.0.0.1", show_default=True, help=t("cli.help.host"))
@click.option("--port", default=8000, show_default=True, type=int, help=t("cli.help.port"))
def serve(project: str | None, as_of: str | None, host: str, port: int) -> None:
    from generator.build import serve as serve_site

    sys.exit(serve_site(project_path(project), as_of_date(as_of), host, port, say))


@main.command(help=t("cli.help.new"), short_help=t("cli.short.new"))
@click.argument("key", metavar="TOWN-ID/COMMUNITY-ID")
@click.option("--name", required=True, help=t("cli.help.name"))
@project_option
def new(key: str, name: str, project: str | None) -> None:
    from generator.records.scaffold import ScaffoldError, scaffold

    try:
        created = scaffold(project_path(project), key, name)
    except ScaffoldError as exc:
        say(t("build.error", text=exc.message))
        sys.exit(1)
    for path in created:
        click.echo(t("cli.created", path=path))
    click.echo(t("cli.new_next"))


@main.command(help=t("cli.help.schema"), short_help=t("cli.short.schema"))
@click.option("--output", "-o", type=click.Path(file_okay=False), default="schemas", show_default=True,
              metavar=t("cli.folder"), help=t("cli.help.schema_output"))
def schema(output: str) -> None:
    from generator.records.json_schema import record_schemas

    out = Path(output)
    out.mkdir(parents=True, exist_ok=True)
    for name, data in record_schemas().items():
        target = out / name.replace(".yml", ".schema.json")
        target.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        click.echo(t("cli.wrote", path=target))
    click.echo(t("cli.schema_next"))


main.add_command(brief)
main.add_command(due)
main.add_command(report_command)
main.add_command(export_xlsx)
main.add_command(import_xlsx)

# `--lang` before or after the command name: `dangjian --lang en check` and `dangjian check --lang en`.
for _command in (main, *main.commands.values()):
    _command.params.append(_lang_option())
    _command.options_metavar = t("cli.options_metavar")
main.subcommand_metavar = t("cli.subcommand_metavar")

if __name__ == "__main__":
    main()
