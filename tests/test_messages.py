"""The message catalogue: every message in both languages, every key used, Chinese labels for fields."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from generator import messages
from generator.errors import DataError
from generator.messages import catalogue, label_field, labels, msg, placeholders
from generator.records import config, frozen, schema
from generator.records.messages import _inner_model

ROOT = Path(__file__).resolve().parents[1]
# Catalogue keys are string literals in the code: "area.name" or "area.name.detail".
KEY_LITERAL = re.compile(r"""["']([a-z_]+(?:\.[a-z0-9_]+)+)["']""")
HALF_WIDTH_AFTER_CJK = re.compile(r"[\u4e00-\u9fff\u3002\uff09][,;()]|[,;(][\u4e00-\u9fff]")


def test_every_message_has_both_languages_with_the_same_placeholders() -> None:
    problems = []
    for key, entry in catalogue().items():
        for part, texts in (("text", entry.text), ("hint", entry.hint)):
            if texts is None:
                continue
            if set(texts) != set(messages.LANGUAGES):
                problems.append(f"{entry.file}: {key} {part}: has {sorted(texts)}")
            elif placeholders(texts["zh"]) != placeholders(texts["en"]):
                problems.append(f"{entry.file}: {key} {part}: placeholders differ")
    assert problems == []


def test_chinese_messages_use_full_width_punctuation() -> None:
    bad = [key for key, entry in catalogue().items()
           for text in (entry.text.get("zh", ""), (entry.hint or {}).get("zh", ""))
           if HALF_WIDTH_AFTER_CJK.search(text)]
    assert bad == []


def _code_literals() -> set[str]:
    found: set[str] = set()
    for file in (ROOT / "generator").rglob("*.py"):
        found.update(KEY_LITERAL.findall(file.read_text(encoding="utf-8")))
    return found


def test_every_catalogue_key_is_used_and_every_used_key_exists() -> None:
    used = _code_literals()
    keys = set(catalogue())
    assert sorted(keys - used) == []
    called = set()
    for file in (ROOT / "generator").rglob("*.py"):
        called.update(re.findall(r"""\b(?:msg|t)\(\s*["']([^"']+)["']""", file.read_text(encoding="utf-8")))
    assert sorted(called - keys) == []


def test_a_message_renders_in_each_language() -> None:
    m = msg("schema.date")
    assert m.text("zh") == "应为日期，例如 2026-06-30"
    assert m.text("en") == "expected a date like 2026-06-30"
    assert m.hint("zh") == "日期不加引号，写成 年-月-日"


def test_an_unknown_key_fails_at_once() -> None:
    with pytest.raises(KeyError):
        msg("no.such.message")


def test_a_data_error_cannot_carry_a_plain_string() -> None:
    with pytest.raises(TypeError):
        DataError("a.yml", 1, "", "unknown key")  # type: ignore[arg-type]


def test_field_paths_show_chinese_labels_with_the_key_last() -> None:
    assert label_field("pledges[3].due", "zh") == "承诺[3].完成时限(due)"
    assert label_field("pledges[0].milestones[1].title", "zh") == "承诺[0].进度节点[1].节点内容(title)"
    assert label_field("pledges[3].due", "en") == "pledges[3].due"
    assert label_field("no_such_key", "zh") == "no_such_key"


def test_an_error_prints_in_the_chosen_language() -> None:
    err = DataError("communities/a/b/pledges.yml", 12, "pledges[3].due", msg("schema.date"))
    assert err.text("zh") == ("communities/a/b/pledges.yml:12: 承诺[3].完成时限(due): 应为日期，例如 2026-06-30"
                              "（提示：日期不加引号，写成 年-月-日）")
    assert err.text("en") == ("communities/a/b/pledges.yml:12: pledges[3].due: expected a date like 2026-06-30"
                              " (hint: write the date without quotes, as YYYY-MM-DD)")


def _record_models() -> list[type[BaseModel]]:
    roots: list[type[BaseModel]] = [schema.DistrictFile, schema.TownFile, *schema.FILE_MODELS.values()]
    for module in (config, frozen):
        roots += [v for v in vars(module).values()
                  if isinstance(v, type) and issubclass(v, BaseModel) and v.__module__ == module.__name__]
    return roots


def test_every_record_field_has_a_chinese_label() -> None:
    missing: set[str] = set()
    seen: set[type[BaseModel]] = set()

    def walk(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.add(model)
        for name, info in model.model_fields.items():
            if name not in labels():
                missing.add(f"{model.__name__}.{name}")
            inner = _inner_model(info.annotation)
            if inner is not None:
                walk(inner)

    for model in _record_models():
        walk(model)
    assert sorted(missing) == []


def test_the_catalogue_reads_as_the_pure_python_parser_reads_it() -> None:
    """The catalogue and labels are parsed by libyaml when PyYAML has it: the same data as ``yaml.safe_load``."""
    import yaml

    folder = Path(messages.__file__).parent
    files = sorted(folder.glob("*.yml"))
    assert messages._LOADER is yaml.CSafeLoader and len(files) > 10
    for file in files:
        text = file.read_text(encoding="utf-8")
        assert yaml.load(text, Loader=messages._LOADER) == yaml.safe_load(text), file.name
    assert labels() == yaml.safe_load((folder / "labels.yml").read_text(encoding="utf-8"))
    by_file = {f.name: yaml.safe_load(f.read_text(encoding="utf-8")) for f in files if f.name != "labels.yml"}
    assert {k: (e.file, dict(e.text), e.hint) for k, e in catalogue().items()} == {
        k: (name, {lang: v[lang] for lang in ("zh", "en") if lang in v}, v.get("hint"))
        for name, data in by_file.items() for k, v in data.items()}
