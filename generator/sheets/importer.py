"""``import-xlsx``: a workbook's records back into the community's YAML files.

Nothing is written unless the whole workbook is clean: every unreadable cell, every record the
record models refuse (located at the cell it came from) and every file changed since the export
is reported in one run.  A file whose data the workbook leaves as it was is not touched at all,
so a round trip without edits changes no byte; a changed file is edited in place (see ``patch``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from generator.messages import msg
from generator.records.messages import validation_errors
from generator.records.schema import FILE_MODELS
from generator.records.yamlio import YamlDoc, read_yaml
from generator.sheets.assemble import Built, build_file, parse_path
from generator.sheets.compare import same
from generator.sheets.emit import document
from generator.sheets.patch import CannotWrite, patch_text
from generator.sheets.problems import SheetProblem
from generator.sheets.read import Book, read_book


@dataclass
class FileChange:
    rel: str  # communities/<town>/<community>/<file>
    path: Path
    text: str
    created: bool = False
    rewritten: bool = False  # could not be edited in place: written anew (comments inside may be lost)


@dataclass
class Planned:
    book: str
    community: str = ""
    changes: list[FileChange] = field(default_factory=list)
    problems: list[SheetProblem] = field(default_factory=list)
    warnings: list[SheetProblem] = field(default_factory=list)


def _validate(book: Book, built: Built, rel: str) -> bool:
    """Validate the file's data with its record model; ``False`` (problems reported) if it fails."""
    model = FILE_MODELS[built.file]
    ok = not built.failed  # an unreadable cell: reported already, and the data is incomplete
    try:
        model.model_validate(built.data)
    except ValidationError as exc:
        ok = False
        for err in validation_errors(exc, YamlDoc(rel, built.data, {}), model):
            sheet, cell = built.locate(parse_path(err.field))
            if (sheet, cell) in built.failed:
                continue  # the cell's own problem is already reported
            book.problem(sheet or None, cell, err.message)
    return ok


def _current(path: Path, rel: str, book: Book) -> tuple[str | None, Any, bool]:
    """The file's text and data now (``None``: it does not exist); ``False`` if it cannot be read."""
    if not path.is_file():
        return None, None, True
    doc, errors = read_yaml(path, rel)
    if doc is None or errors:
        first = errors[0] if errors else None
        book.problem(None, None, msg("sheets.import.yaml_broken", file=rel, problem=first.message if first
                                     else msg("sheets.import.unreadable")))
        return None, None, False
    raw = path.read_bytes()
    text = raw.decode("utf-8")  # a byte-order mark stays part of the text (and is written back)
    return text, doc.data if doc.data is not None else {}, True


def plan_import(project: Path, source: Path, shown: str, force: bool = False) -> Planned:
    """What importing the workbook ``source`` would change (``shown`` names it in messages)."""
    book = read_book(source, shown)
    planned = Planned(shown, book.meta.community)
    if not book.meta.community or any(p.sheet is None and p.cell is None for p in book.problems):
        planned.problems, planned.warnings = book.problems, book.warnings
        return planned
    folder = project / "communities" / book.meta.community
    if not (folder / "profile.yml").is_file():
        book.problem(None, None, msg("sheets.import.no_community", community=book.meta.community))
    for file in FILE_MODELS:
        rel = f"communities/{book.meta.community}/{file}"
        built = build_file(book, file)
        text, old, readable = _current(folder / file, rel, book)
        if not readable or not (folder / "profile.yml").is_file():
            continue
        if text is None and not built.content:
            continue  # the community has no such file and the workbook adds nothing
        if not _validate(book, built, rel) or (text is not None and same(old, built.data)):
            continue
        exported = book.meta.files.get(file)
        digest = hashlib.sha256((folder / file).read_bytes()).hexdigest() if text is not None else ""
        if not force and exported is not None and exported != digest:
            book.problem(None, None, msg("sheets.import.changed_since", file=rel))
            continue
        try:
            planned.changes.append(_change(folder / file, rel, text, old, built.data))
        except CannotWrite:
            book.problem(None, None, msg("sheets.import.cannot_write", file=rel))
    planned.problems, planned.warnings = book.problems, book.warnings
    return planned


def _change(path: Path, rel: str, text: str | None, old: Any, new: dict[str, Any]) -> FileChange:
    if text is None:
        header = [msg("sheets.import.new_file", file=path.name).text("zh")]
        return FileChange(rel, path, document(new, header), created=True)
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    result, rewritten = patch_text(text[len(bom):], old, new)
    return FileChange(rel, path, bom + result, rewritten=rewritten)
