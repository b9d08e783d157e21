"""``dangjian export-xlsx`` and ``dangjian import-xlsx``: records to workbooks and back.

Register with ``main.add_command(export_xlsx)`` and ``main.add_command(import_xlsx)``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.commands.common import project_option, project_path, say
from generator.messages import msg, t
from generator.records.load import ID_RE
from generator.sheets.export import export_community, write_atomic
from generator.sheets.importer import Planned, plan_import
from generator.sheets.problems import SheetProblem, ordered


def _communities(project: Path) -> list[str]:
    """``town/community`` of every community folder (one with a profile.yml), in name order."""
    root = project / "communities"
    out = []
    for town in sorted(root.iterdir()) if root.is_dir() else []:
        if not (town / "town.yml").is_file() or not ID_RE.match(town.name):
            continue
        out += [f"{town.name}/{c.name}" for c in sorted(town.iterdir())
                if c.is_dir() and ID_RE.match(c.name) and (c / "profile.yml").is_file()]
    return out


def _select(project: Path, town: str | None, community: str | None) -> list[str] | None:
    keys = _communities(project)
    if community is not None:
        if community not in keys:
            say(t("sheets.cli.no_community", community=community))
            return None
        return [community]
    if town is not None:
        keys = [k for k in keys if k.split("/")[0] == town]
        if not keys:
            say(t("sheets.cli.no_town", town=town))
            return None
    return keys


@click.command("export-xlsx", help=t("sheets.cli.export.help"))
@project_option
@click.option("--town", metavar="TOWN-ID", help=t("sheets.cli.export.town"))
@click.option("--community", metavar="TOWN-ID/COMMUNITY-ID", help=t("sheets.cli.export.community"))
@click.option("--output", "-o", type=click.Path(file_okay=False), default="sheets", show_default=True,
              help=t("sheets.cli.export.output"))
def export_xlsx(project: str | None, town: str | None, community: str | None, output: str) -> None:
    root = project_path(project)
    keys = _select(root, town, community)
    if keys is None:
        sys.exit(1)
    out_dir = Path(output)
    failed = 0
    taken: set[str] = set()
    for key in keys:
        try:
            result = export_community(root, key, out_dir, taken)
        except OSError as exc:
            say(t("sheets.cli.cannot_write", file=exc.filename or output, reason=exc.strerror or str(exc)))
            sys.exit(1)
        if result.path is None:
            failed += 1
            for problem in sorted(set(result.problems)):
                say(t("sheets.cli.error", problem=problem))
            say(t("sheets.cli.export.skipped", community=key))
            continue
        shown = (Path(output) / result.path.name).as_posix()
        click.echo(t("sheets.cli.export.done", file=shown, sheets=result.sheets, rows=result.rows))
    if failed:
        say(t("sheets.cli.export.failed", n=failed))
        sys.exit(1)


def _report(problems: list[SheetProblem], warnings: list[SheetProblem]) -> None:
    for problem in ordered(problems):
        say(problem.text())
    for warning in ordered(warnings):
        say(f"{warning.where}: {msg('sheets.cli.warning', message=warning.message).text()}")


@click.command("import-xlsx", help=t("sheets.cli.import.help"))
@project_option
@click.option("--dry-run", is_flag=True, help=t("sheets.cli.import.dry_run"))
@click.option("--force", is_flag=True, help=t("sheets.cli.import.force"))
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def import_xlsx(project: str | None, dry_run: bool, force: bool, files: tuple[str, ...]) -> None:
    root = project_path(project)
    plans: list[Planned] = []
    seen: dict[str, str] = {}
    problems: list[SheetProblem] = []
    warnings: list[SheetProblem] = []
    for file in files:
        plan = plan_import(root, Path(file), file, force)
        if plan.community and plan.community in seen:
            twice = msg("sheets.cli.import.twice", community=plan.community, other=seen[plan.community])
            plan.problems.append(SheetProblem(file, None, None, twice))
        seen.setdefault(plan.community, file)
        problems += plan.problems
        warnings += plan.warnings
        plans.append(plan)
    _report(problems, warnings)
    if problems:
        say(t("sheets.cli.import.failed", n=len(set(problems))))
        sys.exit(1)
    changes = [c for plan in plans for c in plan.changes]
    for plan in plans:
        if not plan.changes:
            click.echo(t("sheets.cli.import.unchanged", book=plan.book))
    for change in changes:
        if not dry_run:
            try:
                write_atomic(change.path, change.text.encode("utf-8"))
            except OSError as exc:
                say(t("sheets.cli.cannot_write", file=change.rel, reason=exc.strerror or str(exc)))
                sys.exit(1)
        key = ("sheets.cli.import.would_create" if change.created else "sheets.cli.import.would_update") \
            if dry_run else ("sheets.cli.import.created" if change.created else "sheets.cli.import.updated")
        click.echo(t(key, file=change.rel))
        if change.rewritten:
            say(t("sheets.cli.import.rewritten", file=change.rel))
    if changes and not dry_run:
        click.echo(t("sheets.cli.import.done", n=len(changes)))

