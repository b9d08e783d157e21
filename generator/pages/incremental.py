"""Re-rendering for ``dangjian serve``: after an edit, the pages of what changed, not the whole site.

This module is the one seam between the preview's data pipeline and the page producers: the pipeline
says which communities' files changed since the ``previous`` render, and gets the whole site back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator.pages.registry import render_site

if TYPE_CHECKING:
    from generator.context import SiteContext
    from generator.pages.output import Output


def rerender(context: SiteContext, previous: Output | None, changed: frozenset[str] | None) -> Output:
    """The site's pages, files, nav and render log for ``context``, exactly as ``render_site`` gives them.

    ``previous`` is the output of the last render in this process (None: there is none) and ``changed``
    the communities (``town/community`` keys, as ``Community.key``) whose files changed since then:
    added, edited or removed.  ``changed`` is None when anything else changed (``district.yml``, a
    ``town.yml``, frozen results, ``content/``, ``site_config.yml``), which may change every page; then,
    and whenever ``previous`` is None, everything is rendered.

    Today this renders everything (``render_site``).  Once the registry has
    ``render_scoped(context, communities, site_wide)`` (each path of the site belongs to one community or
    to the site), it becomes: when ``previous`` is not None and ``changed`` is not None, render
    ``render_scoped(context, changed, site_wide=True)`` - the changed communities' own pages and files,
    every site-wide page and file (those that list communities, the search entries, feeds, the manifest)
    and the nav - and add ``previous``'s pages and files that belong to communities not in ``changed``
    (their log entries with them); a removed community is in ``changed`` and so is left out.  The
    result must stay equal to ``render_site(context)``; tests/test_serve_incremental.py checks it.
    """
    output, _log = render_site(context)
    return output
