"""The repeated blocks of the score pages, each rendered once per distinct content.

A score page (``score.md.j2``) is mostly one card per rubric item (``score_cards.md.j2``), and a card is
mostly its evidence, one line per record.  The same card comes back on the same community's other pages:
the latest result is shown on ``score/`` and again on ``score/<period>/``, and the twelve-month windows of
consecutive half-years share records.  An item's head (number, score, mark) and a category's table row and
heading depend on a few numbers only and come back for most communities.  :class:`ScoreCards` renders each
of these blocks once per render of the score pages, kept by everything it shows, and reuses the text.

The only thing a block or page shows that differs between ``score/`` and ``score/<period>/`` is the prefix
to the site root, so they are rendered with :data:`ROOT` in its place and each page puts its own prefix in
(:func:`at_root`).  The mark holds ``<`` and ``"``, which the template's escaping never lets through from
text (``plain_text`` and autoescape turn both into references, ``yaml_str`` escapes ``"``), so every mark in
a rendered page is one the template put where ``{{ root }}`` stood.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from markupsafe import Markup

from generator.pages.templating import environment

if TYPE_CHECKING:
    from generator.scoring.rubric import Rubric
    from generator.scoring.score import CommunityResult, ItemResult

ROOT = Markup('<"root">')
"""Rendered where a block or page links from the site root; replaced by the page's prefix (:func:`at_root`)."""

CardKey = tuple[object, ...]


def at_root(text: str, root: str) -> str:
    """A page rendered with :data:`ROOT`, as shown on a page whose prefix to the site root is ``root``."""
    return str(text).replace(ROOT, root)


def card_key(r: CommunityResult, i: ItemResult, interpretation: str) -> CardKey:
    """Everything the card of item ``i`` of result ``r`` shows (``score_cards.md.j2``: head and card).

    The town is shown only with a town's refinement of the item, and the facts' notes only when there is no
    evidence, so a card without them is the same for every community whose item reads the same.  Evidence
    compares by all of its fields (label, value, record file and line, address).
    """
    ref = i.refinement
    return (i.no, i.score, i.max, i.gap, i.text, i.explanation, i.note, i.basis, interpretation,
            None if ref is None else (r.town, ref.document_no, ref.note), tuple(i.evidence),
            () if i.evidence else tuple(f.missing for f in i.facts if f.missing))


class CategoryBlocks(NamedTuple):
    """One category of a result as its page shows it: the mechanisms table's row, the heading, the cards."""

    row: Markup
    heading: Markup
    cards: Markup


class ScoreCards:
    """The blocks of one render of the score pages.

    ``helpers`` are the score templates' formatting functions (``scores.helpers()``); ``rubric`` gives the
    items' interpretations, the same for every community and period.
    """

    def __init__(self, rubric: Rubric, helpers: dict[str, object]) -> None:
        self.interpretations = {i.no: i.interpretation or "" for i in rubric.items}
        self._macros = environment().get_template("score_cards.md.j2").make_module({**helpers, "root": ROOT})
        self._cards: dict[CardKey, Markup] = {}
        self._blocks: dict[tuple[object, ...], Markup] = {}
        self.rendered = 0  # cards rendered, the others reused (for tests)

    def block(self, macro: str, *args: object) -> Markup:
        """``macro`` of ``score_cards.md.j2`` with these arguments (numbers and text), rendered once."""
        key = (macro, *args)
        text = self._blocks.get(key)
        if text is None:
            text = self._blocks[key] = getattr(self._macros, macro)(*args)
        return text

    def card(self, r: CommunityResult, i: ItemResult) -> Markup:
        """The card of item ``i`` of result ``r``, with :data:`ROOT` for the page's prefix."""
        interpretation = self.interpretations[i.no]
        key = card_key(r, i, interpretation)
        text = self._cards.get(key)
        if text is None:
            head = self.block("head", i.no, i.score, i.max, bool(i.gap))
            rows = [(e, where, where.split("/")[-1]) for e in i.evidence for where in (e.where,)]
            text = self._cards[key] = self._macros.card(i, head, interpretation, r.town, rows)
            self.rendered += 1
        return text

    def categories(self, r: CommunityResult) -> list[CategoryBlocks]:
        """The categories of ``r`` in order, each with the cards of its items (in the result's order)."""
        cards: dict[int, list[Markup]] = {cat.no: [] for cat in r.categories}
        for i in r.items:
            if i.category in cards:
                cards[i.category].append(self.card(r, i))
        return [CategoryBlocks(self.block("category_row", cat.no, cat.name, cat.score, cat.max),
                               self.block("category_heading", cat.no, cat.name, cat.score, cat.max),
                               Markup("").join(cards[cat.no])) for cat in r.categories]
