"""What the generator knows about Material for MkDocs' HTML, in one place.

The verifier and the content-page sanitizer need a few facts about the theme's
markup; swapping the theme (or the engine) means changing this file only.
"""

from __future__ import annotations

from pathlib import Path

from generator.pages.markup import sanitize_page

CONTENT_CLASS = "md-content"  # the content area: on a theme page only it holds user content
CONTENT_MARKER = f'class="{CONTENT_CLASS}"'  # how a theme page is told from a bare HTML file
SOURCE_WIDGET = ("data-md-component", "source")  # repo_url's widget, which calls the code host's API
MERMAID_CLASS = "mermaid"  # a diagram block the theme renders with a script from unpkg.com
BUTTON_CLASSES: dict[str, set[str]] = {"a": {"md-button", "md-button--primary"}}  # allowed on content pages
RESERVED_ID_PREFIX = "__"  # the theme's own element ids (__drawer, __search, __config …)

# The theme's settings for its bundle, a JSON script in every page: the bundle loads its search worker
# from "search" (a script, so fetched) and resolves links against "base".
CONFIG_SCRIPT_ID = "__config"
CONFIG_FETCHED_KEYS = ("search",)
CONFIG_LINK_KEYS = ("base",)
# Templates whose inline scripts are never trusted, though the theme ships them: analytics loads
# googletagmanager.com, and the redirect page sends the reader to an address written in a page's front matter.
UNTRUSTED_TEMPLATES = ("partials/integrations/", "redirect.html")


def templates_dir() -> Path:
    """Material's templates; MkDocs copies its ``assets/`` into every site as they are."""
    import material

    return Path(material.__file__).resolve().parent / "templates"


def sanitize_content_page(html: str) -> str:
    """A hand-written page's rendered body, with the theme's button classes allowed and its ids protected."""
    return sanitize_page(html, extra_classes=BUTTON_CLASSES, reserved_id_prefix=RESERVED_ID_PREFIX)
