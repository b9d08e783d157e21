"""Safe YAML reading that keeps line numbers and refuses surprising input.

* Only YAML 1.2 core scalars are resolved: ``true``/``false`` are booleans,
  but YAML 1.1's ``yes``/``no``/``on``/``off`` stay text; ``0755`` and
  ``1:20`` stay text instead of becoming octal or sexagesimal numbers.
* Dates (``2026-06-30``) become :class:`datetime.date`.
* Duplicate keys, non-text keys, anchors/aliases and over-deep nesting are errors.
* Every value's path (``("pledges", 3, "due")``) is mapped to its 1-based line.
"""

from __future__ import annotations

import datetime as dt
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from generator.errors import DataError
from generator.messages import Msg, msg

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 32
LIBYAML_TOO_DEEP = "maximum nesting depth"  # libyaml's own wording (0.2.6+); mapped to ours

PathKey = tuple[str | int, ...]


class _Resolver(BaseResolver):
    """YAML 1.2 core schema (the subset records need)."""


_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789")
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"),
    list("-+0123456789."),
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:timestamp",
    # A date, or a full date-time as YAML defines it; "2025-03-14 社区活动" is text (it used to crash the parser).
    re.compile(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
               r"(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?"
               r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?$"),
    list("0123456789"),
)


def too_deep_message() -> Msg:
    """The one message for over-deep input, whichever layer (our composer or libyaml) notices first."""
    return msg("yaml.too_deep", limit=MAX_DEPTH)


ALIAS_PROBLEM = "anchors and aliases (*name) are not allowed in records"

# PyYAML's own wording of common mistakes, as staff read them.
_PROBLEMS = {
    "mapping values are not allowed here": "yaml.problem.mapping_values",
    "could not find expected ':'": "yaml.problem.expected_colon",
    "found character '\\t' that cannot start any token": "yaml.problem.tab",
    "found a tab character that violates indentation": "yaml.problem.tab",
    "found unexpected end of stream": "yaml.problem.unclosed_quote",
}


def _problem(problem: str) -> Msg:
    if problem == ALIAS_PROBLEM:
        return msg("yaml.anchor")
    key = _PROBLEMS.get(problem)
    if key is None and ("expected <block end>" in problem or "did not find expected" in problem):
        key = "yaml.problem.indent"
    return msg("yaml.syntax", problem=msg(key) if key else msg("yaml.problem.other", problem=problem))


class _TooDeep(yaml.composer.ComposerError):
    """Raised by the composer on the first node deeper than ``MAX_DEPTH``; carries its path."""

    def __init__(self, path: PathKey, mark: Any) -> None:
        super().__init__(None, None, too_deep_message().text("en"), mark)
        self.path = path


class _NoAliasComposer(Composer):
    """Refuses aliases, and refuses nesting past ``MAX_DEPTH`` before Python's recursion limit is near."""

    _path: list[str | int]

    def compose_node(self, parent: Node | None, index: Any) -> Node:  # type: ignore[override]
        if self.check_event(AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, ALIAS_PROBLEM, event.start_mark
            )
        path = self.__dict__.setdefault("_path", [])
        nested = parent is not None and index is not None  # a mapping key (index None) is not a level
        if nested:
            path.append(index.value if isinstance(index, ScalarNode) else index)
        try:
            if len(path) > MAX_DEPTH:
                raise _TooDeep(tuple(path), self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            if nested:
                path.pop()


class _Constructor(SafeConstructor):
    """Decimal integers only: ``0755`` is 755, never octal."""

    def construct_yaml_int(self, node: ScalarNode) -> int:  # type: ignore[override]
        return int(str(self.construct_scalar(node)).replace("_", ""), 10)


_Constructor.add_constructor("tag:yaml.org,2002:int", _Constructor.construct_yaml_int)


class _PyLoader(Reader, Scanner, Parser, _NoAliasComposer, _Constructor, _Resolver):
    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        _NoAliasComposer.__init__(self)
        _Constructor.__init__(self)
        _Resolver.__init__(self)


if getattr(yaml, "__with_libyaml__", False):
    from yaml.cyaml import CParser

    class _CLoader(_NoAliasComposer, CParser, _Constructor, _Resolver):  # type: ignore[misc]
        """libyaml scans and parses (fast); the Python composer refuses aliases and keeps marks."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            _NoAliasComposer.__init__(self)
            _Constructor.__init__(self)
            _Resolver.__init__(self)

    class _FastLoader(CParser, _Constructor, _Resolver):  # type: ignore[misc]
        """libyaml scans, parses and composes (all in C); aliases and depth are checked while building, and a
        file with either is read again by :class:`_CLoader`, which words the problem as it always has."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            _Constructor.__init__(self)
            _Resolver.__init__(self)

    _Loader: type = _CLoader
    _Fast: type | None = _FastLoader
else:  # pragma: no cover - libyaml ships with PyYAML wheels
    _Loader = _PyLoader
    _Fast = None


class _Unusual(Exception):
    """The fast reading met an alias or nesting past MAX_DEPTH: the careful reading says what is wrong."""


_STR, _INT, _BOOL, _NULL = (f"tag:yaml.org,2002:{t}" for t in ("str", "int", "bool", "null"))


@dataclass
class YamlDoc:
    """A parsed file: plain data plus the line of every path in it.  Once a record is validated from it, the
    loader drops ``data`` (``records/load.py``): the record holds the values, the document only the lines.

    The line map is much of what a loaded record costs (~124 KiB of ~290 KiB a community, measured at 200).  A build
    that is done with line numbers (scored, with evidence lines copied into the results) lets it go with
    :meth:`release_lines`; the file's bytes are kept compressed (:meth:`pack`, ~5 % of the map's size), and
    a later :meth:`line` call reads them again, so an error found after that still names its line."""

    path: str
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)
    packed: bytes | None = field(default=None, repr=False, compare=False)  # the file's bytes, compressed
    released: bool = field(default=False, repr=False, compare=False)  # ``lines`` dropped until asked for

    def line(self, path: PathKey) -> int:
        """Line of ``path`` or of its nearest ancestor that has one."""
        if self.released:
            self._unpack()
        p = tuple(path)
        while p:
            if p in self.lines:
                return self.lines[p]
            p = p[:-1]
        return self.lines.get((), 1)

    def pack(self, raw: bytes) -> None:
        """Keep the bytes this document was read from (compressed), so that its line map may be released."""
        self.packed = zlib.compress(raw, 1)

    def release_lines(self) -> None:
        """Drop the line map (it is read again from the kept bytes when a line is asked for)."""
        if self.packed is not None:
            self.lines, self.released = {}, True

    def _unpack(self) -> None:
        assert self.packed is not None
        doc, _errors = read_yaml_bytes(zlib.decompress(self.packed), self.path)
        self.lines = doc.lines if doc is not None else {(): 1}
        self.released = False


class _Builder:
    def __init__(self, loader: Any, rel: str) -> None:
        self.loader = loader
        self.rel = rel
        self.lines: dict[PathKey, int] = {}
        self.errors: list[DataError] = []
        self.seen: set[int] = set()

    def build(self, node: Node, path: PathKey) -> Any:
        """Plain data from a composed node.  A node met twice (an alias) or deeper than MAX_DEPTH raises
        :class:`_Unusual` (only libyaml's own composer lets them through: ours refuses them)."""
        if len(path) > MAX_DEPTH or id(node) in self.seen:
            raise _Unusual
        self.seen.add(id(node))
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, ScalarNode):  # the common scalars, as the constructor makes them
            tag = node.tag
            if tag == _STR:
                return node.value
            if tag == _NULL:
                return None
            try:
                if tag == _INT:
                    return int(node.value.replace("_", ""), 10)
                if tag == _BOOL:
                    return self.loader.bool_values[node.value.lower()]
            except (ValueError, KeyError):  # an explicit tag on other text (!!bool maybe): worded below
                pass
        if isinstance(node, MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                    self._err(key_node, path, msg("yaml.key_not_text"))
                    continue
                key = key_node.value  # what the constructor gives for a scalar key
                if key in out:
                    first = self.lines[(*path, key)]
                    self._err(key_node, (*path, key), msg("yaml.duplicate_key", key=key, first=first))
                    continue
                self.lines[(*path, key)] = key_node.start_mark.line + 1
                out[key] = self.build(value_node, (*path, key))
            return out
        if isinstance(node, SequenceNode):
            items = []
            for i, item in enumerate(node.value):
                self.lines[(*path, i)] = item.start_mark.line + 1
                items.append(self.build(item, (*path, i)))
            return items
        try:
            value = self.loader.construct_object(node, deep=True)
        except Exception as exc:
            problem = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            self._err(node, path, msg("yaml.cannot_read_value", problem=problem))
            return None
        if isinstance(value, dt.datetime):
            value = value.date() if value.time() == dt.time() and value.tzinfo is None else value
        if isinstance(value, float) and value != value:
            self._err(node, path, msg("yaml.not_a_number"))
            return None
        return value

    def _err(self, node: Node, path: PathKey, message: Msg) -> None:
        self.errors.append(DataError(self.rel, node.start_mark.line + 1, format_path(path), message))


def format_path(path: PathKey) -> str:
    """``("pledges", 3, "due")`` -> ``pledges[3].due``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _size(n: int) -> str:
    if n < 1024:
        return msg("yaml.size.bytes", n=n).text()
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


def read_yaml(file: Path, rel: str) -> tuple[YamlDoc | None, list[DataError]]:
    """Read one YAML file; never raises for bad content, returns errors instead."""
    raw, errors = read_file(file, rel)
    return (None, errors) if raw is None else read_yaml_bytes(raw, rel)


def read_file(file: Path, rel: str) -> tuple[bytes | None, list[DataError]]:
    """The bytes of one record file, or why it cannot be read (missing, unreadable, too large)."""
    try:
        size = file.stat().st_size
    except OSError as exc:
        return None, [DataError(rel, 0, "", msg("yaml.cannot_read_file", reason=exc.strerror))]
    if size > MAX_FILE_BYTES:
        return None, [
            DataError(rel, 0, "", msg("yaml.too_large", size=_size(size), limit=_size(MAX_FILE_BYTES)))
        ]
    try:
        return file.read_bytes(), []
    except OSError as exc:
        return None, [DataError(rel, 0, "", msg("yaml.cannot_read_file", reason=exc.strerror))]


def parse_yaml_bytes(raw: bytes, rel: str) -> Any:
    """The data of a YAML text read the same safe way (an older version from git); ``None`` if it has errors."""
    if len(raw) > MAX_FILE_BYTES:
        return None
    doc, errors = read_yaml_bytes(raw, rel)
    return None if doc is None or errors else doc.data


def read_yaml_bytes(raw: bytes, rel: str) -> tuple[YamlDoc | None, list[DataError]]:
    """Like :func:`read_yaml`, for bytes already read."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [DataError(rel, line, "", msg("yaml.not_utf8"))]
    if "\x00" in text:
        return None, [DataError(rel, text[: text.index("\x00")].count("\n") + 1, "", msg("yaml.nul"))]
    fast = _read_fast(text, rel)
    if fast is not None:
        return fast
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except _TooDeep as exc:
        return None, [DataError(rel, exc.problem_mark.line + 1, format_path(exc.path), too_deep_message())]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        problem = exc.problem or exc.context or "invalid YAML"
        if LIBYAML_TOO_DEEP in problem:  # libyaml >= 0.2.6 has its own limit, met first in flow style
            return None, [DataError(rel, line, "", too_deep_message())]
        return None, [DataError(rel, line, "", _problem(problem))]
    except yaml.YAMLError as exc:
        return None, [DataError(rel, 0, "", _problem(str(exc).splitlines()[0]))]
    finally:
        loader.dispose()
    if node is None:
        return YamlDoc(rel, None, {(): 1}), []
    builder = _Builder(loader, rel)
    data = builder.build(node, ())
    return YamlDoc(rel, data, builder.lines), builder.errors


def _read_fast(text: str, rel: str) -> tuple[YamlDoc | None, list[DataError]] | None:
    """The file read with libyaml's composer (about twice as fast); None when it has a problem the careful
    reading must word (a syntax error, an alias, nesting too deep), or without libyaml."""
    if _Fast is None:
        return None
    loader = _Fast(text)
    try:
        node = loader.get_single_node()
    except Exception:  # whatever it is, the careful reading reports it
        return None
    finally:
        loader.dispose()
    if node is None:
        return YamlDoc(rel, None, {(): 1}), []
    builder = _Builder(loader, rel)
    try:
        data = builder.build(node, ())
    except (_Unusual, RecursionError):
        return None
    return YamlDoc(rel, data, builder.lines), builder.errors
