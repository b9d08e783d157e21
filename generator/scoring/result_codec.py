"""Scored periods as bytes and back, every value of the same type as it was scored.

A community's :class:`~generator.scoring.score.CommunityResult` list is a tree of a few dataclasses holding
strings, numbers, booleans, dates, exact fractions (``Points`` prints as a decimal, a plain ``Fraction`` does
not: both are kept apart) and tuples.  Python's ``pickle`` keeps all of them as they are and makes them again
in C (JSON with an object hook to make the classes took nearly twice as long: ``docs/benchmarks.md``).
Unpickling runs no code but what the bytes name, so the loader names only the classes listed in
:data:`ALLOWED` (the standard library's advice for data from elsewhere, "Restricting Globals"): anything else
is refused, as a damaged entry is, and the community scored again.  A town's refinement of an item is not
copied but named (town and item) and found again among the build's refinements: the score pages compare it by
identity.
"""

from __future__ import annotations

import copyreg
import datetime as dt
import io
import pickle
from fractions import Fraction
from typing import Any, ClassVar

from generator.scoring.rubric import RubricRefinement
from generator.scoring.rules import Evidence, Fact, Window
from generator.scoring.score import CategoryResult, CommunityResult, ItemResult, Points

Refinements = dict[tuple[str, int], RubricRefinement]
_CLASSES: tuple[type[Any], ...] = (CommunityResult, ItemResult, CategoryResult, Window, Evidence, Fact, Points,
                                   Fraction, dt.date)
ALLOWED = {(c.__module__, c.__qualname__): c for c in _CLASSES}
PROTOCOL = 5


def _named_refinement(town: str, item: int) -> RubricRefinement:
    """Stands for a town's refinement in the bytes; the reader finds the build's own instead."""
    raise pickle.UnpicklingError("a refinement is found among the build's, not made")


class _Writer(pickle.Pickler):
    dispatch_table: ClassVar[dict[type, Any]] = {
        **copyreg.dispatch_table, RubricRefinement: lambda r: (_named_refinement, (r.town, r.item))}


class _Reader(pickle.Unpickler):
    def __init__(self, blob: bytes, refinements: Refinements) -> None:
        super().__init__(io.BytesIO(blob))
        self.refinements = refinements

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == (__name__, _named_refinement.__name__):
            return lambda town, item: self.refinements[(town, item)]
        found = ALLOWED.get((module, name))
        if found is None:
            raise pickle.UnpicklingError(f"{module}.{name} is not a scored value")
        return found


def encode(results: list[CommunityResult]) -> bytes:
    """One community's scored periods (a value of a class outside :data:`ALLOWED` is refused when read)."""
    out = io.BytesIO()
    _Writer(out, PROTOCOL).dump(results)
    return out.getvalue()


def decode(blob: bytes, refinements: Refinements) -> list[CommunityResult]:
    """The scored periods :func:`encode` wrote; raises ``ValueError`` if the bytes are not that."""
    try:
        results = _Reader(blob, refinements).load()
    except Exception as exc:  # bytes the cache's checksum let through but that are not a result: any error
        raise ValueError(f"not a stored result: {exc}") from exc
    if type(results) is not list or any(type(r) is not CommunityResult for r in results):
        raise ValueError("not a list of results")
    return results
