"""A half-year outline works out each figure's value for a community once (``halfyear_figures.remembered``):
the district's report asks for it in a summary sentence, its town's row and the table's total."""

from __future__ import annotations

from typing import Any

from generator.pages.halfyear_figures import Figure, figure, remembered, value


def _counted() -> tuple[Figure, list[Any]]:
    calls: list[Any] = []
    return Figure("n", "report.col.activities", lambda c: calls.append(c) or 2), calls


def test_within_an_outline_each_value_is_worked_out_once() -> None:
    f, calls = _counted()
    a, b = object(), object()
    with remembered():
        assert figure(f, [a, b]) == 4 and figure(f, [a]) == 2 and value(f, b) == 2  # type: ignore[list-item,arg-type]
    assert calls == [a, b]
    with remembered():  # another outline: worked out again (its communities are other objects)
        figure(f, [a, b])  # type: ignore[list-item]
    assert calls == [a, b, a, b]


def test_outside_an_outline_nothing_is_kept() -> None:
    f, calls = _counted()
    a = object()
    assert figure(f, [a]) == 2 and figure(f, [a]) == 2  # type: ignore[list-item]
    assert calls == [a, a]
