"""Which worksheet holds which records, and which columns it has.

Every record file is a tree; every list of records in it (承诺, 进度节点, 活动 …) is a worksheet
with one row per record.  A child list (a pledge's milestones) is its own worksheet whose first
column names the parent (``所属承诺(pledge)``).  The scalar facts of ``profile.yml`` are one
``字段 | 值`` worksheet, and the ``publication`` of every file is one row of 公开状态.

Columns are derived from the record models, so a new field appears in the workbook by itself;
headers are the Chinese label with the YAML key, ``完成时限(due)``, and import reads the key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from pydantic import BaseModel

from generator.messages import labels, msg
from generator.records.schema import FILE_MODELS, FactChange, ProfileFile, Publication
from generator.sheets.kinds import Kind, inner_model, is_mapping, kind_of, list_model

FORMAT_VERSION = 1
META_SHEET = "_meta"
README = "readme"
FIELDS = "profile"  # the 字段/值 sheet of profile.yml's scalar facts
PUBLICATION = "publication"  # one row per file: the file-level publication

# Sheet titles, in workbook order (catalogue keys; titles are always shown in Chinese).
SHEET_TITLES: dict[str, str] = {
    README: "sheets.sheet.readme",
    FIELDS: "sheets.sheet.profile",
    "profile.cadres.trainings": "sheets.sheet.trainings",
    "profile.network.units": "sheets.sheet.units",
    "profile.service_posts": "sheets.sheet.service_posts",
    "profile.cycles": "sheets.sheet.cycles",
    "profile.cycles.steps": "sheets.sheet.steps",
    "profile.changes": "sheets.sheet.changes",
    "members.members": "sheets.sheet.members",
    "pledges.pledges": "sheets.sheet.pledges",
    "pledges.pledges.milestones": "sheets.sheet.milestones",
    "pledges.pledges.updates": "sheets.sheet.updates",
    "brands.brands": "sheets.sheet.brands",
    "brands.brands.images": "sheets.sheet.images",
    "brands.brands.years": "sheets.sheet.years",
    "brands.brands.achievements": "sheets.sheet.achievements",
    "brands.brands.mentions": "sheets.sheet.mentions",
    "activities.activities": "sheets.sheet.activities",
    "assessments.surveys": "sheets.sheet.surveys",
    "assessments.reports": "sheets.sheet.reports",
    "assessments.reports.mechanisms": "sheets.sheet.mechanisms",
    "assessments.acceptance": "sheets.sheet.acceptance",
    "assessments.acceptance.marks": "sheets.sheet.marks",
    PUBLICATION: "sheets.sheet.publication",
}


def _cycle_key(item: dict[str, Any]) -> str | None:
    start, end = item.get("start"), item.get("end")
    if isinstance(start, dt.date) and isinstance(end, dt.date):
        return f"{start.year}-{end.year}"
    return None


def _field_key(name: str) -> Callable[[dict[str, Any]], str | None]:
    def key(item: dict[str, Any]) -> str | None:
        value = item.get(name)
        return value if isinstance(value, str) and value else None

    return key


# Parent lists that have child lists: the child's first column (its key and title), how a parent
# record's key is made, and the parent column a duplicate key is reported at.
PARENT_KEYS: dict[str, tuple[str, str, Callable[[dict[str, Any]], str | None], str]] = {
    "profile.cycles": ("cycle", "sheets.ref.cycle", _cycle_key, "start"),
    "pledges.pledges": ("pledge", "sheets.ref.pledge", _field_key("id"), "id"),
    "brands.brands": ("brand", "sheets.ref.brand", _field_key("id"), "id"),
    "assessments.reports": ("report", "sheets.ref.report", _field_key("period"), "period"),
    "assessments.acceptance": ("acceptance", "sheets.ref.acceptance", _field_key("period"), "period"),
}

# English choice values shown in Chinese (import accepts both).
CHOICE_LABELS: dict[str, str] = {
    "draft": "sheets.choice.draft",
    "approved": "sheets.choice.approved",
    "public": "sheets.choice.public",
    "internal": "sheets.choice.internal",
}

# ``changes`` entries hold partial sections of the profile: their columns are those sections' fields.
SECTION_MODELS: dict[str, type[BaseModel]] = {
    name: model for name in ("secretary", "committee", "cadres", "network", "property", "liaison")
    if (model := inner_model(ProfileFile.model_fields[name].annotation)) is not None
}


def zh(key: str) -> str:
    return msg(key).text("zh")


@dataclass(frozen=True)
class Column:
    path: tuple[str, ...]  # within the record: ("member", "display_name")
    kind: Kind
    label: str
    required: bool = False
    shown: dict[str, str] = field(default_factory=dict)  # choice value -> what the cell shows

    @property
    def key(self) -> str:
        return ".".join(self.path)

    @property
    def header(self) -> str:
        return f"{self.label}({self.key})"

    def show(self, value: str) -> str:
        return self.shown.get(value, value)


@dataclass(frozen=True)
class Table:
    id: str
    file: str
    list_path: tuple[str, ...]  # where the list sits in its parent record ("cadres", "trainings")
    model: type[BaseModel]
    parent: str | None  # the parent table's id; None: the list hangs off the file's root
    columns: tuple[Column, ...]
    ref: Column | None = None  # the first column of a child sheet: its parent's key

    @property
    def title(self) -> str:
        return zh(SHEET_TITLES[self.id])

    @property
    def all_columns(self) -> tuple[Column, ...]:
        return ((self.ref,) if self.ref else ()) + self.columns

    def item_key(self, item: dict[str, Any]) -> str | None:
        """The key child rows name a record of this table by (``None``: no key, or no children)."""
        entry = PARENT_KEYS.get(self.id)
        return entry[2](item) if entry else None

    @property
    def key_column(self) -> str | None:
        entry = PARENT_KEYS.get(self.id)
        return entry[3] if entry else None


def _label(path: tuple[str, ...], list_key: str) -> str:
    table = labels()
    parent = list_key
    names = []
    for part in path:
        names.append(table.get(f"{parent}.{part}") or table.get(part) or part)
        parent = part
    if len(path) > 1 and f"{path[-2]}.{path[-1]}" in table:
        return names[-1]
    return "·".join(names)


def _choice_labels(kind: Kind) -> dict[str, str]:
    return {c: zh(CHOICE_LABELS[c]) for c in kind.choices if c in CHOICE_LABELS}


def record_columns(model: type[BaseModel], list_key: str, prefix: tuple[str, ...] = (),
                   required: bool = True, skip: tuple[str, ...] = ()) -> list[Column]:
    """The columns of one record: its scalar fields, nested records flattened with dotted keys."""
    out: list[Column] = []
    for name, info in model.model_fields.items():
        if name in skip:
            continue
        path = (*prefix, name)
        kind = kind_of(info.annotation, list(info.metadata))
        if kind is not None:
            shown = _choice_labels(kind.item or kind) if kind.name in ("choice", "tokens") else {}
            out.append(Column(path, kind, _label(path, list_key), required and info.is_required(), shown))
        elif (inner := inner_model(info.annotation)) is not None:
            out += record_columns(inner, list_key, path, required and info.is_required())
        elif is_mapping(info.annotation) and model is FactChange and name in SECTION_MODELS:
            out += record_columns(SECTION_MODELS[name], list_key, path, False)
        elif list_model(info.annotation) is None:
            raise TypeError(f"{model.__name__}.{name}: no spreadsheet column for {info.annotation}")
    return out


def _child_lists(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], type[BaseModel]]]:
    """Lists of records in ``model`` (also inside its nested single records), in field order."""
    out = []
    for name, info in model.model_fields.items():
        if (item := list_model(info.annotation)) is not None:
            out.append(((*prefix, name), item))
        elif (inner := inner_model(info.annotation)) is not None:
            out += _child_lists(inner, (*prefix, name))
    return out


@dataclass(frozen=True)
class Layout:
    tables: tuple[Table, ...]
    fields: tuple[Column, ...]  # profile.yml's scalar facts (the 字段/值 sheet)
    publication: tuple[Column, ...]

    def table(self, table_id: str) -> Table:
        return next(t for t in self.tables if t.id == table_id)

    def children(self, table_id: str | None, file: str) -> list[Table]:
        return [t for t in self.tables if t.parent == table_id and t.file == file]

    def of_file(self, file: str) -> list[Table]:
        return [t for t in self.tables if t.file == file]


def _tables(file: str, model: type[BaseModel], parent: str | None, base: str) -> list[Table]:
    out = []
    for path, item in _child_lists(model):
        table_id = f"{base}.{'.'.join(path)}"
        ref = None
        if parent is not None:
            name, title, _key, _column = PARENT_KEYS[parent]
            ref = Column((name,), Kind("text"), zh(title), True)
        columns = tuple(record_columns(item, path[-1]))
        out.append(Table(table_id, file, path, item, parent, columns, ref))
        out += _tables(file, item, table_id, table_id)
    return out


@cache
def layout() -> Layout:
    """The workbook layout of one community (the same for every community)."""
    tables: list[Table] = []
    for file, model in FILE_MODELS.items():
        tables += _tables(file, model, None, file.removesuffix(".yml"))
    for t in tables:
        if t.id not in SHEET_TITLES:
            raise RuntimeError(f"no sheet title for the record list {t.id}")
        if t.parent is not None and t.parent not in PARENT_KEYS:
            raise RuntimeError(f"no parent key for the record list {t.parent}")
    order = list(SHEET_TITLES)
    tables.sort(key=lambda t: order.index(t.id))
    fields = tuple(record_columns(ProfileFile, "", skip=("publication",)))
    publication = tuple(record_columns(Publication, "publication"))
    return Layout(tuple(tables), fields, publication)
