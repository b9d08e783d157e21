"""The site's JSON files: the same value as json.dumps gives, laid out one entry per line."""

from __future__ import annotations

import datetime as dt
import json

from generator.pages.json_text import layered_json

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
