"""The half-year report as plain Markdown (``dangjian report --markdown``): the same outline as the Word file."""

from __future__ import annotations

from generator.pages.halfyear_outline import Block, Outline


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(block: Block) -> list[str]:
    lines = ["| " + " | ".join(_cell(h) for h in block.header) + " |",
             "|" + "|".join(" --- " for _ in block.header) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in block.rows]
    return lines


PREFIX = {"title": "# ", "h1": "## ", "h2": "### "}


def to_markdown(outline: Outline) -> str:
    out: list[str] = []
    for block in outline.blocks:
        if block.kind == "table":
            out += [*_table(block), ""]
        elif block.kind == "caption":
            out += [f"**{block.text}**", ""]
        else:
            out += [PREFIX.get(block.kind, "") + block.flat, ""]
    return "\n".join(out).rstrip() + "\n"
