"""Where every record came from: its :class:`Source` (file, YAML path, and through the document every line).

The base model of every record kind (``records/schema.py``) is :class:`Record`; the loader gives each record read
from a file, and each record nested in it, its source (:func:`attach_sources`); :func:`locate` says where a value
was written, for errors and evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ForwardRef, Literal, TypeVar, get_args, get_origin

from pydantic import BaseModel, ConfigDict, PrivateAttr

from generator.records.yamlio import PathKey, YamlDoc, format_path


@dataclass(frozen=True)
class Source:
    """Where a record came from: its file, its YAML path and (through the document) every line in it."""

    doc: YamlDoc = field(repr=False, compare=False)
    path: PathKey

    @property
    def file(self) -> str:
        return self.doc.path

    @property
    def line(self) -> int:
        return self.doc.line(self.path)

    def at(self, *keys: str | int) -> tuple[str, int, str]:
        """``(file, line, field)`` of a value inside this record, e.g. ``at("images", 0, "file")``."""
        path = (*self.path, *keys)
        return self.doc.path, self.doc.line(path), format_path(path)


class Record(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", str_strip_whitespace=True)
    _source: Source | None = PrivateAttr(None)

    @property
    def origin(self) -> Source | None:
        """Set by the loader on every record read from a file; kept through the publication gate."""
        return self._source


def locate(record: Record, fallback_file: str, *keys: str | int) -> tuple[str, int, str]:
    """``(file, line, field)`` of ``record`` or of a value inside it; ``fallback_file`` for records built in code."""
    if record.origin is None:
        return fallback_file, 0, format_path(keys)
    return record.origin.at(*keys)


def attach_sources(record: BaseModel, doc: YamlDoc, path: PathKey = ()) -> None:
    """Give ``record`` and every record nested in it its :class:`Source` in ``doc``."""
    if isinstance(record, Record):
        # What ``record._source = ...`` does, without pydantic's checks of an attribute set by name.
        record.__pydantic_private__["_source"] = Source(doc, path)  # type: ignore[index]
    for name in _nested_fields(type(record)):
        value = getattr(record, name)
        if isinstance(value, BaseModel):
            attach_sources(value, doc, (*path, name))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    attach_sources(item, doc, (*path, name, i))


_NESTED: dict[type[BaseModel], tuple[str, ...]] = {}


def _nested_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields of ``model`` whose type may hold a model (a model, a list of them, optional ones): the rest,
    dates and texts, hold no record to give a source to (a ~23,000-file district has ~280,000 records)."""
    found = _NESTED.get(model)
    if found is None:
        found = _NESTED[model] = tuple(name for name, info in model.model_fields.items()
                                       if _may_hold_model(info.annotation))
    return found


def _may_hold_model(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    if get_origin(annotation) is Literal:
        return False
    if annotation is Any or isinstance(annotation, (str, ForwardRef, TypeVar)):  # not resolved: look at the value
        return True
    return any(_may_hold_model(arg) for arg in get_args(annotation))
