"""What the generator knows about Material for MkDocs' HTML, in one place.

The verifier and the content-page sanitizer need a few facts about the theme's
markup; swapping the theme (or the engine) means changing this file only.
"""

from __future__ import annotations

from generator.pages.markup import sanitize_page

CONTENT_CLASS = "md-content"  # the content area: on a theme page only it holds user content
CONTENT_MARKER = f'class="{CONTENT_CLASS}"'  # how a theme page is told from a bare HTML file
SOURCE_WIDGET = ("data-md-component", "source")  # repo_url's widget, which calls the code host's API
MERMAID_CLASS = "mermaid"  # a diagram block the theme renders with a script from unpkg.com
BUTTON_CLASSES: dict[str, set[str]] = {"a": {"md-button", "md-button--primary"}}  # allowed on content pages
RESERVED_ID_PREFIX = "__"  # the theme's own element ids (__drawer, __search, __config …)


def sanitize_content_page(html: str) -> str:
    """A hand-written page's rendered body, with the theme's button classes allowed and its ids protected."""
    return sanitize_page(html, extra_classes=BUTTON_CLASSES, reserved_id_prefix=RESERVED_ID_PREFIX)
