"""Re-rendering for ``dangjian serve``: after an edit, the pages of what changed, not the whole site.

This module is the one seam between the preview's data pipeline and the page producers: the pipeline
says which communities' files changed since the ``previous`` render, and gets the whole site back.

A render is kept in shares (:class:`Rendered`): the site-wide one (pages that list communities, the data
files, feeds, the manifest, the nav) and one per community (its own pages and files, ``registry``'s
scopes).  After an edit the site-wide share is rendered again, and so is the share of every community
whose pages may read something that changed:

* its own records (``changed``: the communities whose files were added, edited or removed);
* its results as scored against the others (``share_inputs.cross_inputs``): a community's board and score pages
  show its rank in its town and in the district and how many communities were ranked, so an edit to one
  community's marks can move every other community's pages.

Everything else a community's pages read is the district's, and an edit to it (``district.yml``, a
``town.yml``, frozen results, ``content/``, ``site_config.yml``) comes with ``changed`` None: then the
whole site is rendered.  The shares are merged as the render pool merges its parts, producer by
producer, the site-wide share first and then the communities in district order: the serial render's
order, so the result equals ``render_site(context)``; ``tests/test_live_pipeline.py`` checks it after
every kind of edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from generator.pages.output import Scope
from generator.pages.parallel import Part, merge
from generator.pages.registry import render_part
from generator.pages.share_inputs import cross_inputs

if TYPE_CHECKING:
    from generator.context import SiteContext
    from generator.pages.output import Output


@dataclass
class Rendered:
    """One render of the site, kept in shares so that the next one can reuse the unchanged ones."""

    site: Part
    communities: dict[str, Part]  # community key -> its share
    inputs: dict[str, str]  # community key -> what its pages read from the others (cross_inputs)
    output: Output  # the whole site, merged


def rerender(context: SiteContext, previous: Rendered | None, changed: frozenset[str] | None) -> Rendered:
    """The site's pages, files, nav and render log for ``context``, exactly as ``render_site`` gives them.

    ``previous`` is the last render in this process (None: there is none) and ``changed`` the communities
    (``town/community`` keys, as ``Community.key``) whose files changed since then: added, edited or
    removed.  ``changed`` is None when anything else changed, which may change every page; then, and
    whenever ``previous`` is None, every share is rendered.
    """
    inputs = cross_inputs(context)
    keys = list(inputs)
    if previous is None or changed is None:
        redo = set(keys)
    else:
        redo = {k for k in keys if k in changed or k not in previous.communities or previous.inputs[k] != inputs[k]}
    site = render_part(context, Scope(frozenset(), site_wide=True))
    shares = {k: render_part(context, Scope(frozenset({k}), site_wide=False)) if k in redo
              else previous.communities[k] for k in keys}  # type: ignore[union-attr]
    return Rendered(site, shares, inputs, merge([site, *shares.values()]))
