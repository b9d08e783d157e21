"""Records to sheet rows (export) and sheet rows back to the data of each record file (import).

Both directions walk the record models in field order, so a file built from sheets has its keys
in the order the models (and the sample files) use.  While building, every YAML path is mapped to
the cell it came from, so a validation error on ``pledges[3].due`` is reported at ``公开承诺!L5``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from generator.messages import msg
from generator.records.schema import FILE_MODELS, FactChange, Publication
from generator.records.yamlio import PathKey
from generator.sheets.compare import is_empty
from generator.sheets.kinds import inner_model, is_mapping, kind_of, list_model
from generator.sheets.layout import FIELDS, PUBLICATION, SECTION_MODELS, Column, Table, layout
from generator.sheets.read import Book, Row
from generator.sheets.values import EMPTY

Loc = tuple[str, str | None]  # (sheet title, "C12" or None)


def get_path(data: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def stem(file: str) -> str:
    return file.removesuffix(".yml")


# --- export: records -> rows ---------------------------------------------------------------


def items_of(table: Table, data: dict[str, Any]) -> list[dict[str, Any]]:
    """Every record of ``table`` in a file's data, parents in order and each parent's children in order."""
    parents = [data] if table.parent is None else items_of(layout().table(table.parent), data)
    out = []
    for parent in parents:
        value = get_path(parent, table.list_path)
        out += [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
    return out


def table_rows(table: Table, data: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of ``table`` for a file's data: column key -> record value."""
    if table.parent is None:
        return [flatten(table.columns, item) for item in items_of(table, data)]
    parent = layout().table(table.parent)
    rows = []
    for item in items_of(parent, data):
        key = parent.item_key(item)
        children = get_path(item, table.list_path)
        for child in children if isinstance(children, list) else []:
            assert table.ref is not None
            rows.append({table.ref.key: key, **flatten(table.columns, child)})
    return rows


def flatten(columns: tuple[Column, ...], record: Any) -> dict[str, Any]:
    return {c.key: get_path(record, c.path) for c in columns}


# --- import: rows -> records -----------------------------------------------------------------


@dataclass
class Built:
    """The data of one record file as the workbook has it."""

    file: str
    data: dict[str, Any]
    where: dict[PathKey, Loc] = field(default_factory=dict)
    failed: set[Loc] = field(default_factory=set)  # cells already reported as unreadable
    content: bool = False  # the workbook holds at least one value for this file

    def locate(self, path: PathKey) -> Loc:
        """The cell of ``path``, or of its nearest ancestor that has one."""
        p = tuple(path)
        while p:
            if p in self.where:
                return self.where[p]
            p = p[:-1]
        return self.where.get((), ("", None))


class _Builder:
    def __init__(self, book: Book, file: str) -> None:
        self.book = book
        self.file = file
        self.built = Built(file, {})
        self.used: set[int] = set()  # ids of child rows given to a parent

    def title(self, table_id: str) -> str:
        return self.book.titles.get(table_id, "")

    def value(self, row: Row | None, key: str, path: PathKey, title: str) -> Any:
        if row is None or key not in row.values:
            return EMPTY
        self.built.where[path] = (title, row.cells[key])
        if key in row.failed:
            self.built.failed.add((title, row.cells[key]))
        value = row.values[key]
        if value is not EMPTY and not is_empty(value):
            self.built.content = True
        return value

    def record(self, model: type[BaseModel], row: Row | None, title: str, table: str | None,
               path: PathKey, prefix: tuple[str, ...] = ()) -> dict[str, Any]:
        """One record from one row; ``table`` is the row's table (``None``: the file's root record)."""
        out: dict[str, Any] = {}
        for name, info in model.model_fields.items():
            here = (*path, name)
            column = (*prefix, name)
            if table is None and not prefix and name == "publication":
                out[name] = self.publication(here)
            elif kind_of(info.annotation, list(info.metadata)) is not None:
                out[name] = self.value(row, ".".join(column), here, title)
            elif (inner := inner_model(info.annotation)) is not None or (
                    model is FactChange and is_mapping(info.annotation) and name in SECTION_MODELS):
                sub = self.record(inner or SECTION_MODELS[name], row, title, table, here, column)
                self._locate_group(here, sub, title)
                out[name] = sub if any(not is_empty(v) for v in sub.values()) else None
            elif list_model(info.annotation) is not None and self.has_children(table, column):
                out[name] = self.children(table, column, row, here)
        return {k: v for k, v in out.items() if v is not None}  # an empty cell: the key is left out

    def publication(self, here: PathKey) -> dict[str, Any] | None:
        row = self.book.publication.get(self.file)
        title = self.title(PUBLICATION)
        value = self.record(Publication, row, title, "", here)
        if row is not None:
            self.built.where[here] = (title, row.cells.get("state"))
        return value if any(not is_empty(v) for v in value.values()) else None

    def _locate_group(self, here: PathKey, sub: dict[str, Any], title: str) -> None:
        """A nested record (``member``) is located at its first column."""
        for name in sub:
            if (*here, name) in self.built.where:
                self.built.where.setdefault(here, self.built.where[(*here, name)])
                return

    def has_children(self, table_id: str | None, column: tuple[str, ...]) -> bool:
        """Lists of records inside a ``changes`` section (``network.units``) have no sheet."""
        child_id = f"{table_id or stem(self.file)}.{'.'.join(column)}"
        return any(t.id == child_id for t in layout().tables)

    def children(self, table_id: str | None, column: tuple[str, ...], row: Row | None,
                 here: PathKey) -> list[dict[str, Any]]:
        child_id = f"{table_id or stem(self.file)}.{'.'.join(column)}"
        child = layout().table(child_id)
        title = self.title(child_id)
        self.built.where.setdefault(here, (title, None))
        rows = self.book.tables.get(child_id, [])
        if table_id is not None:
            assert child.ref is not None and row is not None
            key = layout().table(table_id).item_key(row.values)
            rows = [r for r in rows if key is not None and r.values.get(child.ref.key) == key]
        out = []
        for r in rows:
            self.used.add(id(r))
            item_path = (*here, len(out))
            self.built.where[item_path] = (title, r.first_cell())
            self.built.content = True
            out.append(self.record(child.model, r, title, child_id, item_path))
        return out

    def check_keys(self) -> None:
        """Parents named twice, and child rows whose parent is not there."""
        for table in layout().of_file(self.file):
            title = self.title(table.id)
            rows = self.book.tables.get(table.id, [])
            if table.key_column is not None:
                seen: set[str] = set()
                for r in rows:
                    key = table.item_key(r.values)
                    if key is not None and key in seen:
                        cell = r.cells.get(table.key_column)
                        self.book.problem(title, cell, msg("sheets.row.duplicate_key", id=key))
                    if key is not None:
                        seen.add(key)
            if table.ref is not None:
                parent = layout().table(table.parent or "")
                if any(parent.item_key(r.values) is None for r in self.book.tables.get(parent.id, [])):
                    continue  # a parent without its key is reported itself; its children would only echo it
                parent_title = self.title(parent.id)
                for r in rows:
                    if id(r) in self.used or table.ref.key in r.failed:
                        continue
                    value = r.values.get(table.ref.key)
                    cell = r.cells.get(table.ref.key)
                    if value is EMPTY:
                        self.book.problem(title, cell, msg("sheets.row.no_parent_key", column=table.ref.header))
                    else:
                        self.book.problem(title, cell, msg("sheets.row.no_parent", id=value, sheet=parent_title))


def build_file(book: Book, file: str) -> Built:
    """The data of ``file`` as the workbook ``book`` has it (problems with keys go to ``book``)."""
    builder = _Builder(book, file)
    row = book.fields if file == "profile.yml" else None
    title = builder.title(FIELDS) if row is not None else builder.title(layout().of_file(file)[0].id)
    builder.built.where[()] = (title, None)
    builder.built.data = builder.record(FILE_MODELS[file], row, title, None, ())
    builder.check_keys()
    return builder.built


_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def parse_path(text: str) -> PathKey:
    """``pledges[3].due`` -> ``("pledges", 3, "due")`` (the inverse of ``format_path``)."""
    return tuple(int(index) if index else name for name, index in _PATH_PART.findall(text))
