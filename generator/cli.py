"""The ``dangjian`` command line: a thin layer that turns located DataErrors into messages and exit codes."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
from pathlib import Path

import click

from generator import __version__
from generator.errors import ErrorLog
from generator.pipeline import prepare
from generator.records.config import load_config
from generator.records.pii import redact

PERIOD_RE = re.compile(r"^20[0-9]{2}-H[12]$")


def _project(path: str | None) -> Path:
    return Path(path).resolve() if path else Path.cwd().resolve()


def _as_of(value: str | None) -> dt.date:
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
        raise click.BadParameter("expected a date like 2026-06-30") from None
    return value


project_option = click.option("--project", "-p", type=click.Path(file_okay=False), default=None,
                              help="Project folder holding site_config.yml (default: current folder).")
as_of_option = click.option("--as-of", callback=_validate_as_of, metavar="YYYY-MM-DD",
                            help="Treat this date as today for overdue and period logic.")
strict_option = click.option("--strict", is_flag=True, help="Treat warnings as errors.")


def _say(line: str) -> None:
    click.echo(line, err=True)


def _report(log: ErrorLog, strict: bool) -> int:
    """Print errors and warnings; return the number of problems that fail the run."""
    from generator.build import report_log

    return report_log(log, strict, _say)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dangjian")
def main() -> None:
    """Build the "six-in-one" community Party-building disclosure board from YAML records."""


@main.command()
@project_option
@as_of_option
@strict_option
@click.option("--show-held", is_flag=True, help="List every record held back from publication.")
def check(project: str | None, as_of: str | None, strict: bool, show_held: bool) -> None:
    """Validate and score all records without building the site."""
    root = _project(project)
    result = prepare(root, _as_of(as_of))
    failed = _report(result.log, strict)
    ctx = result.context
    if ctx is None or failed:
        click.echo(f"{failed} problem(s) found; nothing was built.", err=True)
        sys.exit(1)
    held = ctx.held_back
    for h in held if show_held else held[:20]:
        click.echo(f"held back: {redact(str(h), ctx.config.pii_allow)}")  # drafts are not scanned: mask here
    if len(held) > 20 and not show_held:
        click.echo(f"held back: … and {len(held) - 20} more (use --show-held)")
    n = len(ctx.district.communities())
    scored = len(ctx.scores.results) if ctx.scores else 0
    click.echo(f"ok: {n} communities published, {scored} scored, {len(held)} record(s) held back, "
               f"{len(result.log.warnings)} warning(s)")


@main.command()
@project_option
@as_of_option
@click.argument("period")
def freeze(project: str | None, as_of: str | None, period: str) -> None:
    """Freeze PERIOD's published results (e.g. 2025-H2) into communities/results/PERIOD.yml.

    Later builds publish that file verbatim; a recomputation that differs fails the build
    unless a dated, reasoned correction in the file accepts it.
    """
    from generator.scoring.freeze import freeze_text, rubric_digest

    root = _project(project)
    day = _as_of(as_of)
    if not PERIOD_RE.match(period):
        _say(f"error: {period}: expected a half-year like 2025-H2")
        sys.exit(1)
    target = root / "communities" / "results" / f"{period}.yml"
    shown = target.relative_to(root).as_posix()
    if target.exists():
        _say(f"error: {shown}: {period} is already frozen (hint: published results change only through a "
             "correction in that file)")
        sys.exit(1)
    result = prepare(root, day)
    if _report(result.log, False) or result.context is None or result.context.scores is None:
        _say("nothing was frozen.")
        sys.exit(1)
    scores = result.context.scores
    rows = [r for r in scores.history if r.period == period]
    if not rows:
        _say(f"error: {period}: no published acceptance results for this period; nothing was frozen.")
        sys.exit(1)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(freeze_text(period, rows, day, rubric_digest(scores.refinements)), encoding="utf-8")
    click.echo(f"frozen: {len(rows)} result(s) of {period} in {shown}; commit this file.")


@main.command()
@project_option
@as_of_option
@strict_option
@click.option("--output", "-o", type=click.Path(file_okay=False), default="site", show_default=True,
              help="Folder to write the site to (replaced only when the build succeeds).")
def build(project: str | None, as_of: str | None, strict: bool, output: str) -> None:
    """Build the public site (atomically: a failed build leaves the old site untouched)."""
    from generator.build import BuildFailed
    from generator.build import build as build_site

    root = _project(project)
    out = Path(output)
    target = out if out.is_absolute() else Path.cwd() / out
    try:
        built = build_site(root, _as_of(as_of), strict, target, output, _say)
    except BuildFailed as exc:
        click.echo(str(exc), err=True)
        sys.exit(exc.code)
    except KeyboardInterrupt:
        click.echo("\ninterrupted; site not built (previous site left as it was).", err=True)
        sys.exit(130)
    click.echo(f"built {built.communities} communities, {built.pages} pages, {built.warnings} warning(s) "
               f"in {built.seconds:.1f} s -> {output}")


@main.command()
@click.argument("site_dir", default="site", type=click.Path(file_okay=False))
@project_option
def verify(site_dir: str, project: str | None) -> None:
    """Check a built site: links resolve, no third-party hosts, no personal information."""
    root = _project(project)
    config, log = load_config(root / "site_config.yml", root)
    if config is None:
        _report(log, False)
        sys.exit(1)
    site = Path(site_dir)
    if not site.is_dir():
        click.echo(f"error: {site_dir}: site folder not found (run `dangjian build` first)", err=True)
        sys.exit(1)
    from generator.build import verify_output

    findings = verify_output(config, root, site, site_dir.rstrip("/"), _say)
    files = sum(1 for p in site.rglob("*") if p.is_file())
    if findings:
        click.echo(f"{findings} problem(s) found in {files} files.", err=True)
        sys.exit(1)
    click.echo(f"ok: {files} files checked, 0 problems")


@main.command()
@project_option
@as_of_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def serve(project: str | None, as_of: str | None, host: str, port: int) -> None:
    """Preview the site with live reload; saving a record refreshes the open page."""
    from generator.build import serve as serve_site

    sys.exit(serve_site(_project(project), _as_of(as_of), host, port, _say))


@main.command()
@click.argument("key", metavar="TOWN-ID/COMMUNITY-ID")
@click.option("--name", required=True, help="Community name in Chinese, e.g. 晴川社区.")
@project_option
def new(key: str, name: str, project: str | None) -> None:
    """Scaffold a community's record files from the template."""
    from generator.records.scaffold import scaffold

    root = _project(project)
    try:
        created = scaffold(root, key, name)
    except ValueError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    for path in created:
        click.echo(f"created {path}")
    click.echo("next: fill in the files, then run `dangjian check`")


@main.command()
@click.option("--output", "-o", type=click.Path(file_okay=False), default="schemas", show_default=True)
def schema(output: str) -> None:
    """Write JSON Schemas of the record files for editor completion (VS Code YAML)."""
    from generator.records.schema import FILE_MODELS, DistrictFile, TownFile

    out = Path(output)
    out.mkdir(parents=True, exist_ok=True)
    models = {"district.yml": DistrictFile, "town.yml": TownFile, **FILE_MODELS}
    for name, model in models.items():
        target = out / name.replace(".yml", ".schema.json")
        target.write_text(json.dumps(model.model_json_schema(), ensure_ascii=False, indent=2) + "\n",
                          encoding="utf-8")
        click.echo(f"wrote {target}")
    click.echo("add `# yaml-language-server: $schema=<path>` at the top of a record file to use it")


if __name__ == "__main__":
    main()
