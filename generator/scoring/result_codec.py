"""Scored periods as JSON and back, every value of the same type as it was scored.

A community's :class:`~generator.scoring.score.CommunityResult` list is a tree of a few dataclasses holding
strings, numbers, booleans, dates, exact fractions (``Points`` prints as a decimal, a plain ``Fraction`` does
not: both are kept apart) and tuples.  JSON holds none of the last four, so each is a one-key object under a
key no record text can hold (it starts with NUL, which YAML refuses): ``{"\\u0000P": [179, 2]}`` is
``Points(179, 2)``.  A dataclass is ``{"\\u0000t": [name, field, field, ...]}`` in its fields' order; only the
classes listed in :data:`CLASSES` are made again.  A town's refinement of an item is not copied but named
(``{"\\u0000r": [town, item]}``) and found again among the build's refinements: the score pages compare it by
identity.  Anything else (a float, a dict, an unknown class) makes :func:`encode` refuse the result, which is
then scored again by each build instead of kept.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from fractions import Fraction
from typing import Any

from generator.scoring.rubric import RubricRefinement
from generator.scoring.rules import Evidence, Fact, Window
from generator.scoring.score import CategoryResult, CommunityResult, ItemResult, Points

CLASSES: dict[str, type[Any]] = {c.__name__: c for c in (CommunityResult, ItemResult, CategoryResult, Window,
                                                            Evidence, Fact)}
_FIELDS = {name: tuple(f.name for f in dataclasses.fields(cls)) for name, cls in CLASSES.items()}
CLASS, POINTS, FRACTION, DATE, TUPLE, REFINEMENT = "\x00t", "\x00P", "\x00F", "\x00d", "\x00u", "\x00r"
Refinements = dict[tuple[str, int], RubricRefinement]


class Unkept(TypeError):
    """A value the codec does not keep."""


def encode(results: list[CommunityResult]) -> bytes:
    """JSON of one community's scored periods; raises :class:`Unkept` if a value would not come back."""
    return json.dumps(_plain(results), ensure_ascii=False, separators=(",", ":"), allow_nan=False,
                      check_circular=False).encode("utf-8")


def decode(blob: bytes, refinements: Refinements) -> list[CommunityResult]:
    """The scored periods :func:`encode` wrote; raises ``ValueError``/``KeyError``/``TypeError`` if damaged."""

    def hook(obj: dict[str, Any]) -> Any:
        if len(obj) != 1:
            raise ValueError("not an encoded value")
        tag, value = next(iter(obj.items()))
        if tag == CLASS:
            return CLASSES[value[0]](*value[1:])
        if tag == POINTS:
            return Points(*value)
        if tag == FRACTION:
            return Fraction(*value)
        if tag == DATE:
            return dt.date.fromisoformat(value)
        if tag == TUPLE:
            return tuple(value)
        if tag == REFINEMENT:
            return refinements[(value[0], value[1])]
        raise ValueError(f"unknown tag {tag!r}")

    results = json.loads(blob, object_hook=hook)
    if type(results) is not list or any(type(r) is not CommunityResult for r in results):
        raise TypeError("not a list of results")
    return results


def _plain(value: object) -> Any:
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is list:
        return [_plain(v) for v in value]  # type: ignore[attr-defined]
    if kind is Points or kind is Fraction:
        f: Fraction = value  # type: ignore[assignment]
        return {POINTS if kind is Points else FRACTION: [f.numerator, f.denominator]}
    if kind is dt.date:
        return {DATE: value.isoformat()}  # type: ignore[attr-defined]
    if kind is tuple:
        return {TUPLE: [_plain(v) for v in value]}  # type: ignore[attr-defined]
    if kind is RubricRefinement:
        r: RubricRefinement = value  # type: ignore[assignment]
        return {REFINEMENT: [r.town, r.item]}
    name = kind.__name__
    if CLASSES.get(name) is kind:
        return {CLASS: [name, *(_plain(getattr(value, f)) for f in _FIELDS[name])]}
    raise Unkept(name)
