"""What a spreadsheet column holds, read off the record models' type annotations.

A column is text, a whole number, a number, a yes/no, a date, one of a fixed list (a pydantic
``Literal``), or a list of scalars in one cell: ``tokens`` (short codes and choices, written
``会议、文件、公开栏``) or ``lines`` (sentences, one a line).
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass
from typing import Any, Literal, Union

from pydantic import BaseModel

LONG_TEXT = 500  # longer limits than Text's are body texts: a wide, wrapped column


@dataclass(frozen=True)
class Kind:
    name: str  # text | int | number | bool | date | choice | tokens | lines
    choices: tuple[str, ...] = ()
    item: Kind | None = None  # the kind of each item of tokens / lines
    long: bool = False
    coded: bool = False  # text with a pattern (ids, posts, addresses): a token, not a sentence

    @property
    def is_list(self) -> bool:
        return self.name in ("tokens", "lines")


def _strip_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _unwrap(annotation: Any, metadata: list[Any]) -> tuple[Any, list[Any]]:
    annotation = _strip_optional(annotation)
    while typing.get_origin(annotation) is typing.Annotated:
        base, *extra = typing.get_args(annotation)
        metadata = [*metadata, *extra]
        annotation = _strip_optional(base)
    return annotation, metadata


def _text(metadata: list[Any]) -> Kind:
    longest = max((m.max_length for m in metadata if getattr(m, "max_length", None)), default=LONG_TEXT)
    coded = any(getattr(m, "pattern", None) for m in metadata)
    return Kind("text", long=longest > LONG_TEXT, coded=coded)


def kind_of(annotation: Any, metadata: list[Any] | None = None) -> Kind | None:
    """The column kind of a field, or ``None`` for a nested record, a list of records or a mapping."""
    base, meta = _unwrap(annotation, list(metadata or ()))
    origin = typing.get_origin(base)
    if origin is Literal:
        return Kind("choice", choices=tuple(str(a) for a in typing.get_args(base)))
    if origin is list:
        (inner,) = typing.get_args(base)
        item = kind_of(inner)
        if item is None or item.is_list:
            return None
        if item.name == "choice" or item.coded:
            return Kind("tokens", item=item)
        return Kind("lines", item=item)
    if base is bool:
        return Kind("bool")
    if base is int:
        return Kind("int")
    if base is float:
        return Kind("number")
    if base is dt.date:
        return Kind("date")
    if base is str:
        return _text(meta)
    return None


def inner_model(annotation: Any) -> type[BaseModel] | None:
    """The record model of a nested record field (``Publication | None``), else ``None``."""
    base, _ = _unwrap(annotation, [])
    return base if isinstance(base, type) and issubclass(base, BaseModel) else None


def list_model(annotation: Any) -> type[BaseModel] | None:
    """The item model of a list-of-records field (``list[Milestone]``), else ``None``."""
    base, _ = _unwrap(annotation, [])
    if typing.get_origin(base) is list:
        (inner,) = typing.get_args(base)
        return inner_model(inner)
    return None


def is_mapping(annotation: Any) -> bool:
    """A free-form mapping field (``dict[str, Any]``, as in ``changes``)."""
    base, _ = _unwrap(annotation, [])
    return typing.get_origin(base) is dict
