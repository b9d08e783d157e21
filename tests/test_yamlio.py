"""Safe YAML reading: YAML 1.1 surprises, duplicate keys, aliases, encodings, limits."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from generator.records import yamlio
from generator.records.yamlio import format_path, read_yaml


def load(tmp_path: Path, text: str | bytes, name: str = "f.yml"):  # type: ignore[no-untyped-def]
    f = tmp_path / name
    f.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return read_yaml(f, f"communities/{name}")


def test_yaml11_words_stay_text(tmp_path: Path) -> None:
    doc, errors = load(tmp_path, "a: no\nb: on\nc: yes\nd: off\ne: y\n")
    assert errors == []
    assert doc.data == {"a": "no", "b": "on", "c": "yes", "d": "off", "e": "y"}


def test_only_true_and_false_are_booleans(tmp_path: Path) -> None:
    doc, _ = load(tmp_path, "a: true\nb: False\n")
    assert doc.data == {"a": True, "b": False}


def test_numbers_are_decimal_and_sexagesimal_is_text(tmp_path: Path) -> None:
    doc, _ = load(tmp_path, "a: 0755\nb: 1:20\nc: 3.5\nd: 0x1F\n")
    assert doc.data == {"a": 755, "b": "1:20", "c": 3.5, "d": "0x1F"}


def test_dates_are_dates(tmp_path: Path) -> None:
    doc, _ = load(tmp_path, "due: 2026-06-30\nquoted: '2026-06-30'\n")
    assert doc.data == {"due": dt.date(2026, 6, 30), "quoted": "2026-06-30"}


def test_text_that_starts_with_a_date_is_text_not_a_crash(tmp_path: Path) -> None:
    """"2025-03-14 社区活动" is not a YAML timestamp; it used to reach the date parser and raise a traceback."""
    doc, errors = load(tmp_path, "title: 2025-03-14 社区活动\nnote: 2025-3-4 走访\nwhen: 2025-03-14 08:30:00\n"
                                  "short: 2025-3-4\n")
    assert errors == []
    assert doc.data == {"title": "2025-03-14 社区活动", "note": "2025-3-4 走访",
                        "when": dt.datetime(2025, 3, 14, 8, 30), "short": dt.date(2025, 3, 4)}


def test_invalid_calendar_date_is_located(tmp_path: Path) -> None:
    _, errors = load(tmp_path, "ok: 1\ndue: 2026-02-30\n")
    assert [str(e) for e in errors] == [
        "communities/f.yml:2: 完成时限(due): 无法读取此值：day is out of range for month"]


def test_duplicate_key_is_error_with_line(tmp_path: Path) -> None:
    _, errors = load(tmp_path, "pledges:\n  - id: a\n    id: b\n")
    assert [str(e) for e in errors] == [
        "communities/f.yml:3: 承诺[0].承诺编号(id): 字段“id”重复（第一次出现在第 2 行）"
    ]


def test_aliases_are_refused(tmp_path: Path) -> None:
    bomb = "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n"
    doc, errors = load(tmp_path, bomb)
    assert doc is None
    assert [str(e) for e in errors] == [
        "communities/f.yml:2: 不支持 YAML 锚点和别名（& 和 *）（提示：请把内容直接写出来）"
    ]


def test_syntax_error_is_located(tmp_path: Path) -> None:
    _, errors = load(tmp_path, "a: [1, 2\nb: 3\n")
    assert [(e.line, e.message.text()) for e in errors] == [(2, "YAML 格式错误：缩进不对齐")]


def test_gbk_file_is_refused_with_hint(tmp_path: Path) -> None:
    _, errors = load(tmp_path, "name: 晴川社区\n".encode("gbk"))
    assert [str(e) for e in errors] == [
        "communities/f.yml:1: 文件不是 UTF-8 编码（提示：请把文件另存为 UTF-8（不要用 GBK））"
    ]


def test_bom_is_accepted(tmp_path: Path) -> None:
    doc, errors = load(tmp_path, "\ufeffname: 晴川社区\n")
    assert errors == [] and doc.data == {"name": "晴川社区"}


DEEP_PATH = "a" + "[0]" * 32
BLOCK_40 = "".join("  " * i + f"k{i}:\n" for i in range(40)) + "  " * 40 + "x: 1\n"


def test_deep_block_nesting_is_refused_with_line_and_path(tmp_path: Path) -> None:
    _, errors = load(tmp_path, BLOCK_40)
    keys = ".".join(f"k{i}" for i in range(33))
    assert [str(e) for e in errors] == [f"communities/f.yml:34: {keys}: 嵌套超过 32 层"]


def test_flow_nesting_past_the_limit_is_refused_by_our_composer(tmp_path: Path) -> None:
    _, errors = load(tmp_path, "a: " + "[" * 40 + "]" * 40 + "\n")
    assert [str(e) for e in errors] == [f"communities/f.yml:1: {DEEP_PATH}: 嵌套超过 32 层"]


def test_pure_python_parser_gives_the_same_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlio, "_Loader", yamlio._PyLoader)
    _, errors = load(tmp_path, "a: " + "[" * 5000 + "]" * 5000 + "\n")
    assert [str(e) for e in errors] == [f"communities/f.yml:1: {DEEP_PATH}: 嵌套超过 32 层"]


def _libyaml_limit() -> bool:
    if not getattr(yaml, "__with_libyaml__", False):
        return False
    from yaml import _yaml
    return tuple(int(p) for p in _yaml.get_version_string().split(".")[:3]) >= (0, 2, 6)


@pytest.mark.skipif(not _libyaml_limit(), reason="libyaml older than 0.2.6 has no nesting limit of its own")
def test_libyaml_limit_gives_the_same_message(tmp_path: Path) -> None:
    """libyaml (0.2.6+) scans flow collections ahead and stops at 1,000 levels before our composer sees
    level 33: the same words, located at the line (libyaml does not know the field path)."""
    _, errors = load(tmp_path, "a: " + "[" * 5000 + "]" * 5000 + "\n")
    assert [str(e) for e in errors] == ["communities/f.yml:1: 嵌套超过 32 层"]


def test_nesting_at_the_limit_is_accepted(tmp_path: Path) -> None:
    doc, errors = load(tmp_path, "a: " + "[" * 31 + "1" + "]" * 31 + "\n")
    assert errors == [] and doc is not None


def test_huge_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlio, "MAX_FILE_BYTES", 100)
    _, errors = load(tmp_path, "a: " + "x" * 200 + "\n")
    assert [e.message.text() for e in errors] == ["文件大小为 204 字节，上限为 100 字节"]


def test_lines_are_recorded_for_nested_paths(tmp_path: Path) -> None:
    doc, _ = load(tmp_path, "pledges:\n  - id: a\n    milestones:\n      - date: 2026-01-01\n")
    assert doc.line(("pledges", 0, "milestones", 0, "date")) == 4
    assert doc.line(("pledges", 0, "missing")) == 2


def test_format_path() -> None:
    assert format_path(("pledges", 3, "due")) == "pledges[3].due"
    assert format_path(()) == ""


def careful(raw: bytes, rel: str) -> tuple[object, dict[object, int], list[str]]:
    """The file read by our own composer over libyaml's events (the reading before the fast one)."""
    text = raw.decode("utf-8-sig")
    loader = yamlio._Loader(text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    builder = yamlio._Builder(loader, rel)
    data = builder.build(node, ()) if node is not None else None
    return data, builder.lines if node is not None else {(): 1}, [str(e) for e in builder.errors]


@pytest.mark.skipif(not getattr(yaml, "__with_libyaml__", False), reason="the fast reading needs libyaml")
def test_the_fast_reading_gives_the_careful_readings_data_lines_and_errors() -> None:
    """Every record file of the sample district and of the test projects, and a few awkward texts."""
    root = Path(__file__).resolve().parents[1]
    files = sorted((root / "communities").rglob("*.yml")) + sorted((root / "tests" / "fixtures").rglob("*.yml"))
    texts = [(str(f), f.read_bytes()) for f in files] + [
        ("dup", b"a: 1\na: 2\n"), ("keys", b"? [1]\n: x\n1: y\n"), ("tags", b"a: !!bool maybe\nb: !!int x\n"),
        ("anchor", b"a: &x 1\nb: 2\n"), ("empty", b""), ("nan", b"a: .nan\nb: !!float nan\n")]
    assert len(files) > 100
    for rel, raw in texts:
        fast = yamlio._read_fast(raw.decode("utf-8-sig"), rel)
        assert fast is not None, rel
        doc, errors = fast
        assert doc is not None
        assert (doc.data, doc.lines, [str(e) for e in errors]) == careful(raw, rel), rel


def test_an_alias_or_deep_nesting_is_left_to_the_careful_reading() -> None:
    assert yamlio._read_fast("a: &x [1]\nb: *x\n", "f.yml") is None
    assert yamlio._read_fast(BLOCK_40, "f.yml") is None
    assert yamlio._read_fast("a: [1, 2\nb: 3\n", "f.yml") is None
