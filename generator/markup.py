"""User Markdown -> sanitized HTML. Sanitizing happens *after* rendering, with nh3."""

from __future__ import annotations

import markdown
import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "u", "s", "del", "ins", "sub", "sup", "blockquote", "code", "pre",
    "ul", "ol", "li", "dl", "dt", "dd", "h2", "h3", "h4", "h5", "h6", "hr", "a", "img",
    "table", "thead", "tbody", "tr", "th", "td", "caption", "span", "abbr", "mark", "figure", "figcaption",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"align", "colspan", "rowspan"},
    "td": {"align", "colspan", "rowspan"},
    "abbr": {"title"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def sanitize(html: str) -> str:
    """Keep only an allow-list of tags/attributes; links only http(s)/mailto/tel or relative."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def render_markdown(text: str) -> str:
    """Render a record's Markdown field to safe HTML (no raw HTML survives unsanitized)."""
    html = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    return sanitize(html)
