"""Producers for the rubric engine's pages and open data.

Pages written:

- ``towns/<t>/<c>/score/index.md`` — a community's latest score for residents: a
  plain summary, the six mechanisms in a table, one card per item (what was lost
  and why; evidence and file references folded away), and its history;
- ``rubric/items/<no>/index.md`` — one rubric item across every community;
- ``ranking/index.md`` and ``ranking/<town>/index.md`` — district and town
  rankings per period, sortable by a small inline script, readable without it;
- ``rubric/index.md`` — the rubric with each item's rule in plain Chinese;
- ``honours/index.md`` — commendation decisions (表彰);
- ``data.md`` plus ``data/scores.json``, ``data/scores.csv`` and
  ``data/scores.schema.json`` — the open data and its documentation.
"""

from __future__ import annotations

import json
from fractions import Fraction
from typing import TYPE_CHECKING

from markupsafe import Markup

from generator import urls
from generator.cache import cache_folder
from generator.pages.core import common
from generator.pages.fragments import Fragments
from generator.pages.json_text import Streamed, layered_json
from generator.pages.output import site_wide_only
from generator.pages.score_cards import ROOT, ScoreCards, at_root
from generator.pages.templating import environment, render
from generator.records.periods import period_label
from generator.scoring.export import csv_columns, load_schema, results_json, schema_fields, scores_csv, scores_json
from generator.scoring.rubric import RubricItem, RubricRefinement
from generator.scoring.rules.compare import fmt_number, fmt_percent
from generator.scoring.rules.describe import describe_rule
from generator.scoring.score import CommunityResult, ItemResult, Scores

if TYPE_CHECKING:
    from generator.context import SiteContext
    from generator.pages.output import Output


def helpers() -> dict[str, object]:
    """Formatting helpers passed to the templates (scores are exact fractions)."""
    return {"fmt": lambda v: "—" if v is None else fmt_number(v),
            "pct": lambda v, d=None: "—" if v is None or d == 0 else fmt_percent(
                Fraction(v) if d is None else Fraction(v, d)),
            "trend": trend_text, "period_label": period_label}


def trend_text(value: Fraction | None) -> str:
    if value is None:
        return "—"
    if value == 0:
        return "持平"
    return f"↑{fmt_number(value)}" if value > 0 else f"↓{fmt_number(-value)}"


def _scores(context: SiteContext) -> Scores | None:
    scores = context.scores
    return scores if scores is not None and scores.rubric is not None else None


def render_score_pages(context: SiteContext, output: Output) -> None:
    """Every scored period's page of every community (``score/<period>/``) and its latest (``score/``).

    A result is rendered once, with :data:`ROOT` for the prefix to the site root, and shown on each of its
    pages with that page's prefix (the latest result has two); its item cards come from :class:`ScoreCards`.
    """
    scores = _scores(context)
    if scores is None or scores.rubric is None:
        return
    template = environment().get_template("score.md.j2")
    formatting = helpers()
    cards = ScoreCards(scores.rubric, formatting)
    periods: dict[str, list[CommunityResult]] = {}  # every community's results, as Scores.for_community gives them
    for h in scores.history:
        periods.setdefault(h.community, []).append(h)
    for latest in scores.results:
        if not output.covers(latest.community):
            continue
        c = context.district.community(latest.community)
        if c is None:
            continue
        history = sorted(periods.get(latest.community, []), key=lambda h: h.period, reverse=True)
        surveys = sorted(c.assessments.surveys, key=lambda s: s.date)
        shown: dict[int, str] = {}  # id(result) -> its page with ROOT
        # Every scored period keeps its own page (score/2025-H2/); score/ is the latest one.
        for r, address in [(latest, latest.url), *((h, h.period_url) for h in history)]:
            page = urls.source(address)
            text = shown.get(id(r))
            if text is None:
                text = shown[id(r)] = template.render(
                    **{**common(context, page), "root": ROOT}, **formatting, r=r, c=c, history=history,
                    latest=latest, surveys=surveys, categories=cards.categories(r),
                    full_items=[i for i in r.items if i.gap == ""], lost_items=[i for i in r.items if i.gap != ""],
                    max_total=sum((cat.max for cat in r.categories), 0))
            output.add_page(page, at_root(text, urls.root_prefix(page)))


@site_wide_only
def render_rankings(context: SiteContext, output: Output) -> None:
    scores = _scores(context)
    if scores is None:
        return
    towns = [t for t in context.district.towns if t.communities]
    cats = scores.rubric.categories if scores.rubric else []
    unscored = [c for c in context.district.communities() if not scores.for_community(c.key)]
    folder = cache_folder(context.project)
    _RANKING_ROWS.start(folder)
    for town in [None, *towns]:
        page = urls.source(urls.RANKING if town is None else urls.town_ranking(town.id))
        page_common = common(context, page)
        periods = [(p, scores.in_period(p, town.id if town else None)) for p in scores.periods]
        root = str(page_common["root"])
        shown = [(p, rows, _ranking_rows(root, town is not None, rows)) for p, rows in periods if rows]
        output.add_page(page, render(
            "ranking.md.j2", **page_common, **helpers(), town=town, towns=towns,
            periods=shown, categories=cats, indicators=scores.indicators if town is None else [],
            unscored=[c for c in unscored if town is None or c.town_id == town.id]))
    _RANKING_ROWS.finish(folder)


_RANKING_ROWS = Fragments("ranking-rows")  # 4 rows per community at two periods: its district's and its town's


def _ranking_rows(root: str, in_town: bool, rows: list[CommunityResult]) -> list[Markup]:
    """A ranking table's rows (``ranking_rows.md.j2``), each kept by what it shows (``fragments``)."""
    macros = environment().get_template("ranking_rows.md.j2").make_module({**helpers(), "root": root})
    out = []
    for r in rows:
        fix = r.correction
        key = (root, in_town, r.rank_in_town if in_town else None, r.rank_in_district, r.period_url, r.name,
               r.town_id, r.town, r.total, r.grade, tuple(c.score for c in r.categories),
               None if fix is None else (fix.date, fix.original_total), r.previous is not None, r.trend)
        out.append(Markup(_RANKING_ROWS.piece(key, lambda r=r: str(macros.row(r, in_town)))))
    return out


@site_wide_only
def render_rubric_page(context: SiteContext, output: Output) -> None:
    scores = _scores(context)
    if scores is None or scores.rubric is None:
        return
    page = urls.source(urls.RUBRIC)
    towns = {t.id: t.name for t in context.district.towns}
    refinements: dict[int, list[tuple[str, RubricRefinement]]] = {}
    for ref in scores.refinements:
        refinements.setdefault(ref.item, []).append((towns.get(ref.town, ref.town), ref))
    rules = {i.no: describe_rule(i.rule, i.max) for i in scores.rubric.items}
    output.add_page(page, render("rubric.md.j2", **common(context, page), **helpers(), rubric=scores.rubric,
                                 rules=rules, refinements=refinements))


_ITEM_ROWS = Fragments("rubric-item-rows")  # one per community and item: 46,000 at 2,000 communities


def _item_rows(root: str, rows: list[tuple[CommunityResult, ItemResult]]) -> tuple[list[Markup], list[Markup]]:
    """One item page's lost and full rows (``rubric_item_rows.md.j2``), in the order of ``rows``, each kept by
    what it shows (``fragments``): the item pages list every community and are rendered again after any edit."""
    macros = environment().get_template("rubric_item_rows.md.j2").make_module({**helpers(), "root": root})
    lost, full = [], []
    for r, i in rows:
        key = (root, r.url, r.name, r.town, r.period, i.no, i.score, i.max, i.gap, i.basis, i.explanation,
               tuple((e.url, e.label, e.value) for e in i.evidence))
        text = _ITEM_ROWS.piece(key, lambda r=r, i=i: str(macros.lost(r, i) if i.gap else macros.full(r, i)))
        (lost if i.gap else full).append(Markup(text))
    return lost, full


@site_wide_only
def render_item_pages(context: SiteContext, output: Output) -> None:
    """A page per rubric item across communities (latest period of each), lowest scores first."""
    scores = _scores(context)
    if scores is None or scores.rubric is None:
        return
    everything: list[tuple[str, RubricItem, list[tuple[CommunityResult, ItemResult]]]] = []
    for item in scores.rubric.items:
        rows = []
        for result in scores.results:
            found = next((i for i in result.items if i.no == item.no), None)
            if found is not None:
                rows.append((result, found))
        rows.sort(key=lambda row: (row[1].score, row[0].town_id, row[0].community))
        everything.append((urls.source(urls.rubric_item_page(item.no)), item, rows))
    folder = cache_folder(context.project)
    _ITEM_ROWS.start(folder)
    for page, item, rows in everything:
        page_common = common(context, page)
        lost, full = _item_rows(str(page_common["root"]), rows)
        output.add_page(page, render(
            "rubric_item.md.j2", **page_common, **helpers(), item=item,
            category=scores.rubric.category_of(item.no), rule=describe_rule(item.rule, item.max),
            lost=lost, full=full, n_items=len(scores.rubric.items)))
    _ITEM_ROWS.finish(folder)


@site_wide_only
def render_honours(context: SiteContext, output: Output) -> None:
    info = context.district.info
    scores = context.scores or Scores()
    owners = {b.id: (c, b) for c in context.district.communities() for b in c.brands.brands}
    decisions = []
    for cm in sorted(info.commendations, key=lambda x: x.date, reverse=True):
        rows = []
        for key in cm.communities:
            c = context.district.community(key)
            before = [r for r in scores.for_community(key) if r.acceptance_date <= cm.date.isoformat()]
            rows.append((c, before[0] if before else None))
        decisions.append((cm, [r for r in rows if r[0] is not None], [owners[b] for b in cm.brands if b in owners]))
    page = urls.source(urls.HONOURS)
    output.add_page(page, render("honours.md.j2", **common(context, page), **helpers(), decisions=decisions))


@site_wide_only
def render_score_data(context: SiteContext, output: Output) -> None:
    scores = _scores(context)
    if scores is None:
        return
    data = scores_json(context.scores, context.config, context.district, context.as_of)
    data["results"] = Streamed(results_json(context.scores))  # encoded as they are made, never all at once
    output.add_file(urls.SCORES_JSON, layered_json(data, 2))  # one line per result
    output.add_file(urls.SCORES_CSV, scores_csv(scores))
    output.add_file(urls.SCORES_SCHEMA,
                    (json.dumps(load_schema(), ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    page = urls.DATA_SOURCE
    output.add_page(page, render("data.md.j2", **common(context, page), **helpers(), fields=schema_fields(),
                                 columns=csv_columns(scores), results=len(scores.history)))


SCORE_PRODUCERS = [render_score_pages, render_rankings, render_rubric_page, render_item_pages, render_honours,
                   render_score_data]
