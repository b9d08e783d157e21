"""What a community's pages read besides its own files, for renders that keep shares of the site: the
preview's re-render after an edit (``pages/incremental.py``) and a build's stored towns (``pages/share_store.py``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.context import SiteContext


def cross_inputs(context: SiteContext) -> dict[str, str]:
    """Per community (key, in district order), what its pages read that other communities' records change:
    every period's result as ranked against the others.

    A result's marks, items and evidence are scored from the community's own records and the district's
    files alone (the scores cache, ``pipeline.Caches``, keeps them on the same terms), so an edit elsewhere
    moves only its ranks and the counts ranked with it; the headline figures are kept here too."""
    results: dict[str, list[str]] = {c.key: [] for c in context.district.communities()}
    if context.scores is not None:
        for r in context.scores.history:
            if r.community in results:
                results[r.community].append(repr((
                    r.period, r.name, r.total, r.grade, r.rank_in_town, r.rank_in_district, r.n_in_town,
                    r.n_in_district, r.frozen_on, r.correction,
                    None if r.previous is None else (r.previous.period, r.previous.total))))
    return {key: "\n".join(sorted(rows)) for key, rows in results.items()}


def brand_owners(context: SiteContext) -> dict[str, str]:
    """Brand id -> the key of the community that holds it."""
    return {b.id: c.key for c in context.district.communities() for b in c.brands.brands}


def history_owner(rid: str, brands: dict[str, str]) -> str | None:
    """The community (key) whose pages a record's git history (``context.history``) belongs to; None for the
    district's records and for an id that names no community."""
    kind, _, rest = rid.partition(":")
    key = brands.get(rest) if kind == "brand" else "/".join(rest.split("/")[:2]) if kind != "district" else None
    return key if key and key.count("/") == 1 else None
