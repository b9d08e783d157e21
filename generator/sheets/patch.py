"""Change a YAML text as little as possible to give it new data.

The old text is parsed once more (PyYAML nodes keep where every key and value starts and ends);
the old and new data are compared key by key and item by item, and only what differs is
rewritten: a changed scalar in place (its trailing comment stays), a new key after its
predecessor, a new list item after its neighbour, a removed item's lines cut out.  Comments,
blank lines, key order and the style of everything untouched stay byte for byte.  Where an
edit cannot be made in place (a flow list that grew a nested record, say) the smallest
enclosing value is written anew.  The result is read back and must give the new data.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.records.yamlio import parse_yaml_bytes
from generator.sheets.compare import canon, is_empty, same
from generator.sheets.emit import document, flow, is_scalar, item_lines, pair_lines, prefers_flow, scalar

Edit = tuple[int, int, str, int]  # start, end, new text, order of insertions at one place
_DASH = re.compile(r"( *)- +")
_COMMENT = re.compile(r"([ \t]+)(#.*)")


class Unpatchable(Exception):
    """This value cannot be edited in place; the caller rewrites the enclosing value."""


class CannotWrite(Exception):
    """Not even a file written anew reads back as the data (a bug: reported, nothing is written)."""


class _Patcher:
    def __init__(self, text: str) -> None:
        self.text = text
        self.root = yaml.compose(text, Loader=yaml.SafeLoader)

    # --- positions ---------------------------------------------------------------

    def line_start(self, i: int) -> int:
        return self.text.rfind("\n", 0, i) + 1

    def line_end(self, i: int) -> int:
        j = self.text.find("\n", i)
        return len(self.text) if j < 0 else j

    def blank_line(self, start: int) -> bool:
        return start < len(self.text) and self.text[start:self.line_end(start)].strip() == ""

    def end(self, node: Node) -> int | None:
        """Index just after the last character of ``node``'s content (``None``: an empty value)."""
        if isinstance(node, ScalarNode):
            if node.style is None and node.value == "":
                return None
            e = node.end_mark.index
            while e > node.start_mark.index and self.text[e - 1] in " \t\r\n":
                e -= 1
            return e
        if node.flow_style or not node.value:
            return node.end_mark.index
        if isinstance(node, MappingNode):
            key, value = node.value[-1]
            return self.pair_end(key, value)
        last = self.end(node.value[-1])
        if last is None:
            raise Unpatchable
        return last

    def after_colon(self, key: Node) -> int:
        return self.text.index(":", key.end_mark.index) + 1

    def pair_end(self, key: Node, value: Node) -> int:
        e = self.end(value)
        return self.after_colon(key) if e is None else e

    def dash_column(self, item: Node) -> int:
        start = item.start_mark.index
        m = _DASH.fullmatch(self.text[self.line_start(start):start])
        if m is None:
            raise Unpatchable
        return len(m.group(1))

    # --- edits -----------------------------------------------------------------------

    def value(self, slot: tuple[Any, ...], node: Node, old: Any, new: Any) -> list[Edit]:
        if same(old, new):
            return []
        try:
            if isinstance(node, MappingNode) and not node.flow_style and isinstance(old, dict) \
                    and isinstance(new, dict) and not is_empty(new):
                return self.mapping(node, old, new)
            if isinstance(node, SequenceNode) and not node.flow_style and isinstance(old, list) \
                    and isinstance(new, list) and new and len(old) == len(node.value):
                return self.sequence(node, old, new)
        except Unpatchable:
            pass
        return self.replace(slot, node, new)

    def replace(self, slot: tuple[Any, ...], node: Node, new: Any) -> list[Edit]:
        if slot[0] == "root":
            raise Unpatchable
        key = slot[1].value if slot[0] == "pair" else None
        inline = None
        if is_scalar(new) and not (isinstance(new, str) and "\n" in new):
            inline = scalar(new)
        elif is_empty(new):
            inline = "[]" if isinstance(new, list) else "{}"
        elif (getattr(node, "flow_style", False) and node.value) or prefers_flow(key, new):
            inline = flow(new)
        one_line = node.style not in ("|", ">") if isinstance(node, ScalarNode) else bool(node.flow_style)
        if inline is not None and one_line:
            end = self.end(node)
            if end is None:
                if slot[0] != "pair":
                    raise Unpatchable
                at = self.after_colon(slot[1])
                return [(at, at, " " + inline, 0)]
            return self._keep_comment(node.start_mark.index, end, inline)
        if slot[0] == "pair":
            key_node = slot[1]
            lines = pair_lines(key_node.value, new, key_node.start_mark.column)
            return self._keep_comment(key_node.start_mark.index, self.pair_end(key_node, node), "\n".join(lines))
        dash = self.dash_column(node)
        lines = item_lines(new, dash)
        end = self.end(node)
        if end is None:
            raise Unpatchable
        return self._keep_comment(node.start_mark.index, end, "\n".join([lines[0][dash + 2:], *lines[1:]]))

    def _keep_comment(self, start: int, end: int, text: str) -> list[Edit]:
        """Replace ``start:end`` by ``text``; a comment after the old value stays on the first line
        (``units: []  # note`` becomes ``units:  # note`` with the new items below it)."""
        rest = self.text[end:self.line_end(end)]
        comment = _COMMENT.fullmatch(rest)
        if comment is None:
            return [(start, end, text, 0)]
        first, newline, others = text.partition("\n")
        if "\n" not in self.text[start:end]:  # keep the comment in its column, as far as the new value allows
            spaces = len(comment.group(1)) - (len(first) - (end - start))
            rest = " " * max(1, spaces) + comment.group(2)
        return [(start, self.line_end(end), first + rest + newline + others, 0)]

    def mapping(self, node: MappingNode, old: dict[str, Any], new: dict[str, Any]) -> list[Edit]:
        pairs = {k.value: (k, v) for k, v in node.value}
        if list(pairs) != list(old):
            raise Unpatchable
        removed = [k for k in old if (k not in new or new[k] is None) and not is_empty(old[k])]
        kept = [k for k in old if k not in removed]
        if not kept:
            raise Unpatchable
        edits: list[Edit] = []
        for k in removed:
            key_node, value_node = pairs[k]
            start = self.line_start(key_node.start_mark.index)
            if self.text[start:key_node.start_mark.index].strip():
                raise Unpatchable  # the first key of a list item, on the dash line
            end = self.line_end(self.pair_end(key_node, value_node))
            edits.append((start, min(end + 1, len(self.text)), "", 0))
        for k in kept:
            if k in new and new[k] is not None:
                key_node, value_node = pairs[k]
                edits += self.value(("pair", key_node), value_node, old[k], new[k])
        indent = node.value[0][0].start_mark.column
        pad = " " * indent
        pending: list[str] = []
        anchor: str | None = None
        groups: list[tuple[str | None, list[str]]] = []
        for k in new:
            if k in old and k in kept:
                if pending:
                    groups.append((anchor, pending))
                    pending = []
                anchor = k
            elif k not in old and not is_empty(new[k]):
                lines = pair_lines(k, new[k], indent)
                pending += [pad + lines[0], *lines[1:]]
        if pending:
            groups.append((anchor, pending))
        for after, lines in groups:
            if after is None:
                first = pairs[kept[0]][0].start_mark.index
                edits.append((first, first, "\n".join(lines)[len(pad):] + "\n" + pad, indent))
            else:
                key_node, value_node = pairs[after]
                at = self.line_end(self.pair_end(key_node, value_node))
                edits.append((at, at, "\n" + "\n".join(lines), -indent))
        return edits

    def sequence(self, node: SequenceNode, old: list[Any], new: list[Any]) -> list[Edit]:
        items = node.value
        dash = self.dash_column(items[0])
        gaps = [self._gap_has_blank(items[i], items[i + 1]) for i in range(len(items) - 1)]
        separated = sum(gaps) * 2 > len(gaps)  # most items have a blank line between them
        matcher = difflib.SequenceMatcher(None, [canon(v) for v in old], [canon(v) for v in new], autojunk=False)
        deleted: set[int] = set()
        paired: list[tuple[int, int]] = []
        inserts: list[tuple[int, list[Any]]] = []  # (insert after this old index; -1: before the first)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            n = min(i2 - i1, j2 - j1) if tag == "replace" else 0
            paired += [(i1 + k, j1 + k) for k in range(n)]
            deleted.update(range(i1 + n, i2))
            if j2 - j1 > n:
                inserts.append((i1 + n - 1, new[j1 + n:j2]))
        edits: list[Edit] = []
        for i, j in paired:
            edits += self.value(("item", node), items[i], old[i], new[j])
        for i in sorted(deleted):
            edits.append(self._delete_item(items, i, separated))
        joiner = "\n\n" if separated else "\n"
        for after, values in inserts:
            text = joiner.join("\n".join(item_lines(v, dash)) for v in values)
            survivors = [i for i in range(after, -1, -1) if i not in deleted]
            if survivors:
                at = self.line_end(self._end(items[survivors[0]]))
                edits.append((at, at, joiner + text, -dash))
                continue
            later = [i for i in range(after + 1, len(items)) if i not in deleted]
            if not later:
                raise Unpatchable
            at = self.line_start(items[later[0]].start_mark.index)
            edits.append((at, at, text + joiner, dash))
        return edits

    def _end(self, node: Node) -> int:
        e = self.end(node)
        if e is None:
            raise Unpatchable
        return e

    def _gap_has_blank(self, a: Node, b: Node) -> bool:
        start = self.line_end(self._end(a)) + 1
        stop = self.line_start(b.start_mark.index)
        return any(not line.strip() for line in self.text[start:stop].split("\n")[:-1]) if stop > start else False

    def _delete_item(self, items: list[Node], i: int, separated: bool) -> Edit:
        start = self.line_start(items[i].start_mark.index)
        self.dash_column(items[i])
        end = min(self.line_end(self._end(items[i])) + 1, len(self.text))
        if separated and i > 0 and start > 0:
            before = self.line_start(start - 1)
            if self.text[before:start].strip() == "":
                start = before
        elif separated and self.blank_line(end):
            end = min(self.line_end(end) + 1, len(self.text))
        return (start, end, "", 0)


def _apply(text: str, edits: list[Edit]) -> str:
    """The text with ``edits`` made; insertions at one place in their ``order`` (an inner list's new
    item, inserted after its last item, comes before the outer list's new item inserted there)."""
    cuts = [(s, e) for s, e, r, _ in edits if r == "" and e > s and (s == 0 or text[s - 1] == "\n")]
    moved = []
    for start, end, replacement, order in edits:
        while start == end and (cut := next(((s, e) for s, e in cuts if s < start < e), None)):
            start = end = cut[0] - 1  # after a line that is cut out: after the last line kept before it
        moved.append((start, end, replacement, order))
    out = []
    pos = 0
    for start, end, replacement, _order in sorted(moved, key=lambda e: (e[0], e[1], e[3])):
        if start < pos:
            raise Unpatchable  # overlapping edits
        out += [text[pos:start], replacement]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _reads_as(text: str, new: Any) -> bool:
    data = parse_yaml_bytes(text.encode("utf-8"), "<patched>")
    return data is not None and same(data, new)


def header_comments(text: str) -> list[str]:
    """The comment lines a file starts with (kept when a file has to be written anew)."""
    out = []
    for line in text.split("\n"):
        if not line.startswith("#"):
            break
        out.append(line[1:].removeprefix(" "))
    return out


def patch_text(text: str, old: Any, new: dict[str, Any]) -> tuple[str, bool]:
    """``text`` (whose data is ``old``) changed to hold ``new``; and whether it had to be written anew."""
    if same(old, new):
        return text, False
    crlf = "\r\n" in text
    body = text.replace("\r\n", "\n") if crlf else text
    try:
        patcher = _Patcher(body)
        if not isinstance(patcher.root, MappingNode) or not isinstance(old, dict):
            raise Unpatchable
        result = _apply(body, patcher.value(("root",), patcher.root, old, new))
        rewritten = False
        if not _reads_as(result, new):
            raise Unpatchable
    except (Unpatchable, yaml.YAMLError, ValueError):
        result, rewritten = document(new, header_comments(body)), True
        if not _reads_as(result, new):
            raise CannotWrite from None
    return (result.replace("\n", "\r\n") if crlf else result), rewritten
