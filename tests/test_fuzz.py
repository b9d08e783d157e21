"""No crash on any input: hostile and random records end in success or located errors, never a traceback.

Explicit cases cover the classics (truncated files, GBK, BOM, huge files, deep nesting, billion laughs,
symlinks leaving the project); hypothesis then mutates records at random — bytes of the YAML text,
whole random documents, and random values at random places of valid records — and runs ``check``
(and, for fewer examples, ``build``).  Set FUZZ_EXAMPLES to run longer.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import struct
import tempfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context
from support import AS_OF_ARG, TRUST, cli, copy_project
from trust_util import write_yaml

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
# A record file (with line), or a file of the built site that the output checks flagged.
LOCATED = re.compile(r"^(?:错误|警告)：(?:(?:communities/|content/|site_config\.yml)[^:]*(?::\d+)?"
                     r"|\S+/site/\S+): .")
PINE = Path("communities/east-town/pine")
RECORDS = [PINE / n for n in ("profile.yml", "pledges.yml", "brands.yml", "activities.yml", "members.yml",
                              "assessments.yml")] + [Path("communities/district.yml"),
                                                     Path("communities/east-town/town.yml"), Path("site_config.yml")]


@contextmanager
def project_copy() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="dj-fuzz-") as tmp:
        yield copy_project(TRUST, Path(tmp) / "project")


def assert_clean_outcome(project: Path, command: str = "check") -> Result:
    """Success, or errors that each name a file — never an exception or traceback."""
    args = [command, "-p", str(project), "--as-of", AS_OF_ARG]
    if command == "build":
        args += ["-o", str(project.parent / "site")]
    result = cli(*args, catch=True)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 1), result.output
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("错误：")]
    if currently_in_test_context():
        event(f"{command} exit {result.exit_code}")
        for e in errors[:1]:
            event(re.sub(r"\S*/site/", "site/", e)[:90])
    if result.exit_code == 1:
        assert errors, result.output
        assert [e for e in errors if not LOCATED.match(e)] == [], result.output
    return result


# --- the classics ---------------------------------------------------------------------------

def _truncate(at: float) -> Callable[[Path], None]:
    def edit(project: Path) -> None:
        for rel in RECORDS:
            data = (project / rel).read_bytes()
            (project / rel).write_bytes(data[: int(len(data) * at)])
    return edit


def _gbk(project: Path) -> None:
    f = project / PINE / "pledges.yml"
    f.write_bytes(f.read_text(encoding="utf-8").encode("gbk"))


def _bom(project: Path) -> None:
    f = project / PINE / "profile.yml"
    f.write_bytes(b"\xef\xbb\xbf" + f.read_bytes())


def _huge(project: Path) -> None:
    f = project / PINE / "activities.yml"
    f.write_text(f.read_text(encoding="utf-8") + "# " + "填" * 1_100_000 + "\n", encoding="utf-8")


def _nested(depth: int) -> Callable[[Path], None]:
    def edit(project: Path) -> None:
        (project / PINE / "brands.yml").write_text("brands: " + "[" * depth + "]" * depth + "\n", encoding="utf-8")
    return edit


def _billion_laughs(project: Path) -> None:
    lines = ['a: &a ["哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈"]']
    lines += [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)]
    (project / PINE / "members.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _symlink(kind: str) -> Callable[[Path], None]:
    def edit(project: Path) -> None:
        outside = project.parent / "outside"
        outside.mkdir(exist_ok=True)
        (outside / "secret.txt").write_text("DRAFTLEAK secret", encoding="utf-8")
        (outside / "pledges.yml").write_text((project / PINE / "pledges.yml").read_text(encoding="utf-8"),
                                             encoding="utf-8")
        if kind == "record":
            (project / PINE / "pledges.yml").unlink()
            (project / PINE / "pledges.yml").symlink_to(outside / "pledges.yml")
        elif kind == "town":
            (project / "communities" / "outside-town").symlink_to(outside, target_is_directory=True)
        elif kind == "image":
            (project / PINE / "images" / "garden.png").unlink()
            (project / PINE / "images" / "garden.png").symlink_to(outside / "secret.txt")
        else:
            (project / "content" / "secret.txt").symlink_to(outside / "secret.txt")
    return edit


def _active_content(project: Path) -> None:
    (project / "content" / "page.html").write_text("<script>alert(1)</script>", encoding="utf-8")


def _nul(project: Path) -> None:
    (project / PINE / "pledges.yml").write_bytes(b"pledges: []\n\x00\x01\x02")


def _list_not_mapping(project: Path) -> None:
    (project / PINE / "pledges.yml").write_text("- 一\n- 二\n", encoding="utf-8")


def _binary(project: Path) -> None:
    (project / PINE / "profile.yml").write_bytes(bytes(range(256)) * 4)


def _folder_named_like_a_file(project: Path) -> None:
    (project / PINE / "pledges.yml").unlink()
    (project / PINE / "pledges.yml").mkdir()


CASES: dict[str, tuple[Callable[[Path], None], str]] = {
    "truncated-10%": (_truncate(0.1), r"communities/"),
    "truncated-50%": (_truncate(0.5), r"communities/"),
    "truncated-97%": (_truncate(0.97), r"communities/"),
    "gbk": (_gbk, r"(?m)pledges\.yml:\d+: 文件不是 UTF-8 编码（提示：请把文件另存为 UTF-8（不要用 GBK））$"),
    "huge": (_huge, r"(?m)activities\.yml: 文件大小为 3\.\d MB，上限为 2\.0 MB"
                    r"（提示：请拆分文件，或把长文本移到 Markdown 文件中）$"),
    "nested-40": (_nested(40), r"(?m)brands\.yml:1: 品牌(\[0\]){32}\(brands\): 嵌套超过 32 层$"),
    "nested-100000": (_nested(100_000), r"(?m)brands\.yml:1: (品牌(\[0\]){32}\(brands\): )?嵌套超过 32 层$"),
    "billion-laughs": (_billion_laughs,
                       r"(?m)members\.yml:2: 不支持 YAML 锚点和别名（& 和 \*）（提示：请把内容直接写出来）$"),
    "symlink-record": (_symlink("record"), r"(?m)pledges\.yml: 符号链接指向 communities 文件夹以外$"),
    "symlink-town": (_symlink("town"), r"(?m)communities/outside-town: 符号链接指向 communities 文件夹以外$"),
    "symlink-image": (_symlink("image"),
                      r"(?m)brands\.yml:\d+: 品牌\[0\]\.图片\[0\]\.文件\(file\): 图片必须放在本社区的文件夹内$"),
    "symlink-content": (_symlink("content"),
                        r"(?m)content/secret\.txt: 符号链接指向项目文件夹以外（提示：请把文件复制到 content/ 中）$"),
    "active-content": (_active_content, r"(?m)content/page\.html: content/ 中的“\.html”文件不能发布"
                       r"（提示：页面使用 Markdown（\.md）；其他文件只能是图片（\.png、\.jpg、\.webp、\.gif）、"
                       r"\.pdf、\.txt 或 \.csv）$"),
    "nul": (_nul, r"(?m)pledges\.yml:2: 文件含有 NUL 字符$"),
    "list": (_list_not_mapping, r"(?m)pledges\.yml:1: 应为若干行“字段: 值”$"),
    "binary": (_binary, r"profile\.yml"),
    "folder": (_folder_named_like_a_file, r"pledges\.yml"),
}


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Fail instead of hanging (an alias bomb that got through would take hours)."""
    def expired(signum: int, frame: Any) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_input_gives_located_errors(name: str) -> None:
    edit, expected = CASES[name]
    with project_copy() as project, time_limit(60):
        edit(project)
        result = assert_clean_outcome(project)
        assert result.exit_code == 1
        assert re.search(expected, result.stderr), result.stderr


def test_bom_is_fine() -> None:
    with project_copy() as project:
        _bom(project)
        assert assert_clean_outcome(project).exit_code == 0


@pytest.mark.parametrize("name", ["symlink-content", "gbk", "billion-laughs"])
def test_build_refuses_hostile_input(name: str) -> None:
    with project_copy() as project:
        CASES[name][0](project)
        assert assert_clean_outcome(project, "build").exit_code == 1
        assert not (project.parent / "site").exists()


# --- random mutations ------------------------------------------------------------------------

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**12), 10**12), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40), st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)),
    st.sampled_from(["yes", "no", "on", "0755", "1:20", "2026-13-01", "~", "", "draft", "approved", "已完成",
                     "组织承诺", "2025-H2", "<script>alert(1)</script>", "13812345678", "a" * 600]),
)
# Keys without control characters: printing them raw is a known, separately reported issue (see below).
keys = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)), max_leaves=12)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(data, dict):
        for k, v in data.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _paths(v, (*prefix, i))
    return out


def _set(data: Any, path: tuple[Any, ...], value: Any, delete: bool) -> Any:
    if not path:
        return value
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return data


@st.composite
def value_mutation(draw: st.DrawFn) -> tuple[Path, str]:
    """A valid record with one value replaced (or deleted), written back as YAML."""
    rel = draw(st.sampled_from(RECORDS))
    data = yaml.safe_load((TRUST / rel).read_text(encoding="utf-8"))
    path = draw(st.sampled_from(_paths(data)))
    delete = bool(path) and draw(st.booleans())
    data = _set(data, path, draw(values), delete)
    text = yaml.dump(data, Dumper=_Plain, allow_unicode=True, sort_keys=False)
    return rel, text


@st.composite
def text_value_mutation(draw: st.DrawFn) -> tuple[Path, str]:
    """A valid record with one piece of text replaced by random text: it mostly stays valid, so it is built."""
    rel = draw(st.sampled_from(RECORDS[:6]))
    data = yaml.safe_load((TRUST / rel).read_text(encoding="utf-8"))
    paths = [p for p in _paths(data) if p and p[-1] not in ("id", "state", "scope") and isinstance(_get(data, p), str)]
    path = draw(st.sampled_from(paths))
    text = draw(st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60).filter(str.strip))
    data = _set(data, path, draw(st.sampled_from(["", "# ", "[x](", "<b>", "{: .x }", "&amp;"])) + text, False)
    return rel, yaml.dump(data, Dumper=_Plain, allow_unicode=True, sort_keys=False)


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        data = data[key]
    return data


class _Plain(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


INSERTS = [b":", b"- ", b"\n  ", b"{", b"]", b"&a ", b"*a", b"!!python/name:os.system", b"\t", b"'", b'"', b"#",
           b"---\n", b"? ", b"<<: ", "办".encode()]


@st.composite
def text_mutation(draw: st.DrawFn) -> tuple[Path, bytes]:
    """A valid record's bytes with a random cut, insertion, duplication or swap."""
    rel = draw(st.sampled_from(RECORDS))
    data = bytearray((TRUST / rel).read_bytes())
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(data)))
        j = draw(st.integers(i, min(len(data), i + 80)))
        op = draw(st.sampled_from(["cut", "insert", "dup", "junk"]))
        if op == "cut":
            del data[i:j]
        elif op == "insert":
            data[i:i] = draw(st.sampled_from(INSERTS))
        elif op == "dup":
            data[j:j] = data[i:j]
        else:
            data[i:j] = draw(st.binary(max_size=j - i + 2))
    return rel, bytes(data)


@FUZZ
@given(value_mutation())
def test_random_values_in_valid_records(case: tuple[Path, str]) -> None:
    rel, text = case
    with project_copy() as project:
        (project / rel).write_text(text, encoding="utf-8")
        assert_clean_outcome(project)


@FUZZ
@given(text_mutation())
def test_mutated_yaml_text(case: tuple[Path, bytes]) -> None:
    rel, data = case
    with project_copy() as project:
        (project / rel).write_bytes(data)
        assert_clean_outcome(project)


@FUZZ
@given(st.sampled_from(RECORDS), values)
def test_random_documents(rel: Path, document: Any) -> None:
    with project_copy() as project:
        write_yaml(project / rel, document)
        assert_clean_outcome(project)


@settings(max_examples=max(EXAMPLES // 6, 6), deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(text_value_mutation())
def test_random_text_through_build(case: tuple[Path, str]) -> None:
    """The whole build (render, MkDocs, output checks) on records that pass or fail validation."""
    rel, text = case
    with project_copy() as project:
        (project / rel).write_text(text, encoding="utf-8")
        assert_clean_outcome(project, "build")


def test_control_characters_in_keys_are_shown_escaped() -> None:
    with project_copy() as project:
        (project / PINE / "pledges.yml").write_text('"bad\\rkey\\u001b[31m": 1\n', encoding="utf-8")
        result = cli("check", "-p", str(project), "--as-of", AS_OF_ARG, catch=True)
        assert result.exit_code == 1
        assert "\r" not in result.stderr and "\x1b" not in result.stderr


# --- round two: YAML tags, dates followed by text, image headers -------------------------------------

TAGS = ["!!bool", "!!int", "!!float", "!!str", "!!null", "!!timestamp", "!!binary", "!!set", "!!omap", "!!pairs",
        "!!map", "!!seq", "!!merge", "!!value", "!custom", "!!python/object:os.system", "!<tag:yaml.org,2002:int>"]
TAG_VALUES = st.one_of(st.sampled_from(["maybe", "yes", "1e999", "0x1F", "2025-13-45", "2025-01-04 春节", "", "~",
                                        "[1, 2]", "{a: 1}", "=", "AAA=", "12:30:00"]),
                       st.text(alphabet="0123456789-:.TZ abc春", max_size=20))


@st.composite
def tagged_value(draw: st.DrawFn) -> tuple[Path, str]:
    """A valid record's text with one ``key: value`` line given a YAML tag and an odd value."""
    rel = draw(st.sampled_from(RECORDS))
    lines = (TRUST / rel).read_text(encoding="utf-8").splitlines()
    candidates = [i for i, ln in enumerate(lines) if re.match(r"^\s*(?:- )?[a-z_]+: \S", ln)]
    i = draw(st.sampled_from(candidates))
    key = re.match(r"^(\s*(?:- )?[a-z_]+: )", lines[i]).group(1)  # type: ignore[union-attr]
    lines[i] = f"{key}{draw(st.sampled_from(TAGS))} {draw(TAG_VALUES)}"
    return rel, "\n".join(lines) + "\n"


@FUZZ
@given(tagged_value())
def test_yaml_tags_with_any_value(case: tuple[Path, str]) -> None:
    rel, text = case
    with project_copy() as project:
        (project / rel).write_text(text, encoding="utf-8")
        assert_clean_outcome(project)


@FUZZ
@given(st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)), st.sampled_from(["", " ", "T", "  ", "\t"]),
       st.text(alphabet="0123456789:.+-Z 春节前集中服务aT", max_size=16))
def test_dates_followed_by_text_in_any_field(day: dt.date, gap: str, tail: str) -> None:
    """What staff write every day: an unquoted date and then words (``title: 2025-01-04 春节前集中服务``)."""
    with project_copy() as project:
        path = project / PINE / "activities.yml"
        text = path.read_text(encoding="utf-8").replace("title: 五一集中服务", f"title: {day.isoformat()}{gap}{tail}")
        path.write_text(text, encoding="utf-8")
        assert_clean_outcome(project)


HEADERS = {".png": b"\x89PNG\r\n\x1a\n", ".jpg": b"\xff\xd8\xff\xe0", ".gif": b"GIF89a", ".webp": b"RIFF"}


@st.composite
def image_bytes(draw: st.DrawFn) -> tuple[str, bytes]:
    """An image file as an attacker or a broken phone writes it: a real signature, then a header with any
    size (up to 2^32 pixels a side) and any colour type, then junk or nothing."""
    suffix = draw(st.sampled_from(sorted(HEADERS)))
    width, height = draw(st.integers(0, 2**32 - 1)), draw(st.integers(0, 2**32 - 1))
    if suffix == ".png":
        header = struct.pack(">IIBBBBB", width, height, draw(st.sampled_from([1, 8, 16, 3])),
                             draw(st.sampled_from([0, 2, 3, 4, 6, 7])), 0, 0, 0)
        chunk = struct.pack(">I", len(header)) + b"IHDR" + header
        body = chunk + struct.pack(">I", zlib.crc32(b"IHDR" + header) & 0xFFFFFFFF)
    elif suffix == ".gif":
        body = struct.pack("<HH", width & 0xFFFF, height & 0xFFFF) + b"\xf7\x00\x00"
    else:
        body = struct.pack(">HH", width & 0xFFFF, height & 0xFFFF)
    return suffix, HEADERS[suffix] + body + draw(st.binary(max_size=64))


@settings(max_examples=max(EXAMPLES // 2, 10), deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(image_bytes(), st.booleans())
def test_any_image_header_in_content_or_a_brand(image: tuple[str, bytes], as_brand_photo: bool) -> None:
    suffix, data = image
    with project_copy() as project:
        if as_brand_photo:
            (project / PINE / "images" / "garden.png").write_bytes(data)
        else:
            (project / "content" / f"photo{suffix}").write_bytes(data)
        assert_clean_outcome(project)
