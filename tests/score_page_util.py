"""Reading a score page (generator/pages/templates/score.md.j2) as a resident's browser would.

The page is converted like MkDocs converts it, parsed into a small tree, and read back as what it shows:
the mechanisms table (机制/得分/满分) and one card per rubric item (``<li class="dj-item" id="item-N">``)
with its head (第N项, score, mark), its gap (差距：…), and, folded in ``<details>``, the item's text, the
explanation, how it was scored and the evidence with its record reference (``（记录：FILE:LINE）``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import markdown

VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None]
    children: list[Node | str] = field(default_factory=list)

    @property
    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def nodes(self) -> list[Node]:
        return [c for c in self.children if isinstance(c, Node)]

    def kids(self, tag: str, cls: str | None = None) -> list[Node]:
        """The direct children with this tag (and class)."""
        return [n for n in self.nodes() if n.tag == tag and (cls is None or cls in n.classes)]

    def find(self, tag: str, cls: str | None = None) -> list[Node]:
        """Every descendant with this tag (and class), in document order."""
        out = []
        for n in self.nodes():
            if n.tag == tag and (cls is None or cls in n.classes):
                out.append(n)
            out += n.find(tag, cls)
        return out

    def one(self, tag: str, cls: str | None = None) -> Node:
        [n] = self.find(tag, cls)
        return n


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        for k in range(len(self.stack) - 1, 0, -1):
            if self.stack[k].tag == tag:
                del self.stack[k:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def page_html(page: str) -> str:
    """The HTML of a generated Markdown page (its front matter dropped), as the site's Markdown makes it."""
    body = page.split("---", 2)[2]
    return markdown.markdown(body, extensions=["attr_list", "md_in_html", "tables"])


def tree(page: str) -> Node:
    parser = _Tree()
    parser.feed(page_html(page))
    parser.close()
    return parser.root


@dataclass(frozen=True)
class Evidence:
    label: str  # the link's text
    href: str  # where the record is shown on the board
    value: str  # what the record says
    source: str  # the visible record reference: （记录：pledges.yml:12）
    where: str  # the full reference in its title: communities/t/c/pledges.yml:12


@dataclass(frozen=True)
class Card:
    no: int
    lost: bool  # class dj-item-lost (points were lost), else dj-item-full
    head: str  # 第N项 S/M分 扣X分|满分
    rubric_href: str  # 第N项 links to the rubric item's page
    score: str  # S/M分
    mark: str  # 扣X分 or 满分
    why: str | None  # 差距：… (None when the item has full marks)
    text: str  # the rubric item's words (the <summary>)
    explanation: str  # how the score came about (first paragraph of the details)
    basis: str  # 得分方式：… with the town's refinement, if any
    evidence: tuple[Evidence, ...]
    missing: str | None  # what the details say instead when there is no evidence


def _evidence(li: Node) -> Evidence:
    [a] = li.kids("a")
    [small] = li.kids("small", "dj-source")
    label, source, shown = a.text(), small.text(), li.text()
    assert shown.startswith(f"{label}：") and shown.endswith(f" {source}"), shown
    return Evidence(label, a.attrs["href"] or "", shown[len(label) + 1: -len(source) - 1], source,
                    small.attrs["title"] or "")


def _card(li: Node) -> Card:
    item_id = li.attrs["id"] or ""
    assert re.fullmatch(r"item-\d+", item_id), item_id
    assert li.classes[0] == "dj-item" and li.classes[1:] in (["dj-item-lost"], ["dj-item-full"]), li.classes
    [head] = li.kids("p", "dj-item-head")
    [link] = head.kids("a")
    [score] = head.kids("strong")
    [mark] = head.kids("span", "dj-item-mark")
    why = li.kids("p", "dj-item-why")
    [details] = li.kids("details", "dj-item-details")
    [summary] = details.kids("summary")
    paragraphs = details.kids("p")
    lists = details.kids("ul")
    assert len(paragraphs) == 2 + (not lists) and len(lists) <= 1, item_id
    return Card(
        no=int(item_id[5:]), lost=li.classes[1] == "dj-item-lost", head=head.text(),
        rubric_href=link.attrs["href"] or "", score=score.text(), mark=mark.text(),
        why=why[0].text() if why else None, text=summary.one("span", "dj-item-text").text(),
        explanation=paragraphs[0].text(), basis=paragraphs[1].text(),
        evidence=tuple(_evidence(e) for e in lists[0].kids("li")) if lists else (),
        missing=None if lists else paragraphs[2].text())


def cards(page: str) -> list[Card]:
    """Every item card of a score page, in page order."""
    return [_card(li) for li in tree(page).find("li", "dj-item")]


def card(page: str, no: int) -> Card:
    [found] = [c for c in cards(page) if c.no == no]
    return found


def mechanisms(page: str) -> list[list[str]]:
    """The mechanisms table (caption 六项机制得分): its header row, then one row per mechanism and 合计."""
    [table] = [t for t in tree(page).find("table") if [c.text() for c in t.kids("caption")] == ["六项机制得分"]]
    return [[cell.text() for cell in row.nodes()] for row in table.find("tr")]


def plain_summary(page: str) -> str:
    """The one-line summary under the score card: 23项中N项满分；扣分在：…"""
    return tree(page).one("p", "dj-score-plain").text()


def scorecard(page: str) -> str:
    return tree(page).one("p", "dj-scorecard").text()
