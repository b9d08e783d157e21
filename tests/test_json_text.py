"""The site's JSON files: the same value as json.dumps gives, laid out one entry per line."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

from generator.pages.json_text import Streamed, layered_json

VALUE = {"generated": "2026-11-27", "results": [{"community": "a/b", "total": 95.5, "items": [{"no": 1}]},
                                                {"community": "c/d", "名称": "晴川", "items": []}],
         "empty": [], "n": 2}


def test_the_value_is_the_same_and_each_result_is_one_line() -> None:
    text = layered_json(VALUE, 2).decode("utf-8")
    assert json.loads(text) == VALUE
    lines = text.splitlines()
    assert lines[0] == "{" and lines[-1] == "}" and text.endswith("}\n")
    assert '  {"community": "a/b", "total": 95.5, "items": [{"no": 1}]},' in lines
    assert '  {"community": "c/d", "名称": "晴川", "items": []}' in lines  # not escaped: people read it
    assert ' "empty": [],' in lines


def test_sorted_keys_sort_every_level() -> None:
    text = layered_json({"b": {"z": 1, "a": 2}, "a": [dt.date(2026, 1, 1).isoformat()]}, 2, sort_keys=True)
    assert text.decode() == '{\n "a": [\n  "2026-01-01"\n ],\n "b": {\n  "a": 2,\n  "z": 1\n }\n}\n'
    # the last level's entries in one piece each, still sorted inside
    value = {"r": {"k2": {"y": [1, {"q": 1, "p": 2}], "x": "乙"}, "k1": Streamed(iter([{"b": 1, "a": 2}]))}}
    assert layered_json(value, 2, sort_keys=True).decode() == (
        '{\n "r": {\n  "k1": [{"a": 2, "b": 1}],\n  "k2": {"x": "乙", "y": [1, {"p": 2, "q": 1}]}\n }\n}\n')


def _old_layered(value: object, levels: int, depth: int = 0) -> str:
    """The layout as first written (all entries encoded, then joined): what the streaming encoder must match."""
    if levels <= 0 or not isinstance(value, dict | list) or not value:
        return json.dumps(value, ensure_ascii=False)
    pad, close = "\n" + " " * (depth + 1), "\n" + " " * depth
    if isinstance(value, list):
        return "[" + pad + ("," + pad).join(_old_layered(v, levels - 1, depth + 1) for v in value) + close + "]"
    return "{" + pad + ("," + pad).join(json.dumps(str(k), ensure_ascii=False) + ": "
                                       + _old_layered(v, levels - 1, depth + 1) for k, v in value.items()) + close + "}"


NESTED = [VALUE, {"a": {"b": {"c": [1, [2, {"d": []}]]}}, "e": {}}, [], {}, [[], [[]], {"x": None}], "文本", 3.5]


def test_the_streaming_encoder_lays_out_what_the_first_one_did() -> None:
    for value in NESTED:
        for levels in range(4):
            assert layered_json(value, levels).decode() == _old_layered(value, levels) + "\n", (value, levels)


def test_a_streamed_list_is_a_list_and_is_read_once() -> None:
    produced: list[int] = []

    def results() -> Iterator[dict[str, object]]:
        for r in VALUE["results"]:  # type: ignore[union-attr]
            produced.append(1)
            yield r  # type: ignore[misc]

    streamed = {**VALUE, "results": Streamed(results())}
    for levels in range(4):
        again = {**VALUE, "results": Streamed(iter(VALUE["results"]))}  # type: ignore[call-overload]
        assert layered_json(again, levels) == layered_json(VALUE, levels), levels
    assert layered_json(streamed, 2) == layered_json(VALUE, 2) and len(produced) == 2
    assert layered_json({"r": Streamed(iter([]))}, 2) == layered_json({"r": []}, 2)


def test_the_document_is_held_once_while_it_is_made() -> None:
    """``data/scores.json`` is 71 MB at 2,000 communities: the encoder's peak is about the document, not its pieces
    and their join besides (the first one held twice the document at its peak)."""
    import tracemalloc

    value = {"results": Streamed({"community": f"t/{n}", "text": "晴川" * 2500} for n in range(2000))}
    tracemalloc.start()
    try:
        text = layered_json(value, 2)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(text) > 15_000_000 and peak < 1.3 * len(text), (peak, len(text))
