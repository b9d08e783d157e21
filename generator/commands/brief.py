"""``dangjian brief BRAND``: a briefing kit for a brand (Word and Markdown drafts, QR code, share poster)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

from generator.commands.common import as_of_date, as_of_option, project_option, project_path, report, say
from generator.messages import t
from generator.pages.qr import qr_png, qr_svg
from generator.pipeline import prepare
from generator.reports.brief import BriefError, brand_brief, brief_markdown, find_brand
from generator.reports.brief_docx import brief_docx
from generator.reports.poster import FontError, find_font, poster_png

FILES = ("brief.docx", "brief.md", "poster.png", "qr.png", "qr.svg")


def _fail(text: str) -> NoReturn:
    say(t("brief.error", message=text))
    sys.exit(1)


@click.command("brief", help=t("brief.help"))
@click.argument("brand", metavar="BRAND-ID")
@project_option
@as_of_option
@click.option("--output", "-o", type=click.Path(file_okay=False), default=None, help=t("brief.help.output"))
@click.option("--font", type=click.Path(dir_okay=False), default=None, help=t("brief.help.font"))
def brief(brand: str, project: str | None, as_of: str | None, output: str | None, font: str | None) -> None:
    result = prepare(project_path(project), as_of_date(as_of))
    failed = report(result.log, False)
    context = result.context
    if context is None or failed:
        say(t("brief.failed", count=failed))
        sys.exit(1)
    try:
        view, former = find_brand(context, brand)
    except BriefError as exc:
        _fail(exc.message.text())
    if former is not None:
        say(t("brief.former_id", old=former, brand=view.brand.id))
    try:
        face = find_font(font)  # before anything is written: no half-made kit
    except FontError as exc:
        _fail(exc.message.text())
    kit = brand_brief(context, view)
    code = qr_png(kit.url)
    files = {"brief.docx": brief_docx(kit, code), "brief.md": brief_markdown(kit).encode("utf-8"),
             "poster.png": poster_png(kit, face, code), "qr.png": code, "qr.svg": qr_svg(kit.url)}
    folder = Path(output) if output else Path("briefs") / view.brand.id
    for name in FILES:
        target = folder / name
        try:
            folder.mkdir(parents=True, exist_ok=True)
            target.write_bytes(files[name])
        except OSError as exc:
            _fail(t("brief.write_failed", path=target.as_posix(), reason=exc.strerror or exc))
        click.echo(t("brief.wrote", path=target.as_posix()))
    say(t("brief.done", folder=folder.as_posix(), url=kit.url))
