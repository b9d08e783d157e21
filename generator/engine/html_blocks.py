"""Keep generated raw-HTML blocks out of the Markdown parser.

Generated pages are Markdown headings plus blocks of HTML that our templates
already escaped.  Python-Markdown passes such blocks through unchanged, but
only after running an HTML parser over them, which is about half of the
engine's time on a large district.  ``Stash`` swaps each top-level HTML block
for a short token before Markdown runs; ``Stash.restore`` puts the very same
text back into the rendered HTML.  Hand-written ``content/`` pages never take this
path: they are parsed (and then sanitized) in full.
"""

from __future__ import annotations

import hashlib
import re

# Python-Markdown's own list of block-level tags: a chunk starting with one of these is
# passed through verbatim by Markdown, so skipping the parser changes nothing.
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "details", "div", "dl", "fieldset", "figcaption",
    "figure", "footer", "form", "header", "hgroup", "hr", "main", "menu", "nav", "ol", "p", "pre",
    "section", "table", "ul", "canvas", "colgroup", "dd", "body", "dt", "group", "html", "iframe", "li",
    "legend", "math", "map", "noscript", "output", "object", "option", "progress", "script", "style",
    "summary", "tbody", "td", "textarea", "tfoot", "th", "thead", "tr", "video", "center",
    "h1", "h2", "h3", "h4", "h5", "h6",
})
_START = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)[\s>/]")
_TOKEN_P = re.compile(r"<p>DJHTMLBLOCK([0-9a-f]{16})N(\d+)X</p>")


def _is_html_block(chunk: str) -> bool:
    match = _START.match(chunk.lstrip("\n"))
    return bool(match) and match.group(1).lower() in BLOCK_TAGS


class Stash:
    """The HTML blocks of one page, keyed by a nonce derived from the page itself, so that text
    in a record cannot forge a token (it would have to contain the hash of its own page)."""

    def __init__(self, markdown: str) -> None:
        self.nonce = hashlib.sha256(markdown.encode("utf-8")).hexdigest()[:16]
        self.blocks: list[str] = []
        out: list[str] = []
        for chunk in re.split(r"\n[ \t]*\n", markdown):
            if _is_html_block(chunk):
                out.append(f"DJHTMLBLOCK{self.nonce}N{len(self.blocks)}X")
                self.blocks.append(chunk)
            else:
                out.append(chunk)
        self.markdown = "\n\n".join(out)

    def restore(self, html: str) -> str:
        """Put the stashed blocks back in place of their tokens."""
        if not self.blocks:
            return html

        def put(m: re.Match[str]) -> str:
            return self.blocks[int(m.group(2))] if m.group(1) == self.nonce else m.group(0)

        return _TOKEN_P.sub(put, html)
