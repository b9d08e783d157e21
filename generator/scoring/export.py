"""Open data: ``data/scores.json`` (shape in ``data/scores.schema.json``) and ``data/scores.csv``.

Numbers are exact one-decimal values written as JSON numbers (``87.5``); the
CSV is UTF-8 with a byte-order mark so that Excel opens the Chinese text.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.scoring.rules.describe import describe_rule
from generator.scoring.score import CommunityResult, Scores

if TYPE_CHECKING:
    import datetime as dt

    from generator.records.config import SiteConfig
    from generator.records.model import District

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "data" / "scores.schema.json"


def num(value: Fraction) -> int | float:
    """Exact value as a JSON number: 4 -> 4, 3/2 -> 1.5 (values have at most one decimal)."""
    return value.numerator if value.denominator == 1 else round(float(value), 1)


def load_schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return data


def ordered(scores: Scores) -> list[CommunityResult]:
    """Newest period first; within a period by district rank."""
    by_rank = sorted(scores.history, key=lambda r: (r.rank_in_district, r.community))
    return sorted(by_rank, key=lambda r: r.period, reverse=True)


def result_json(r: CommunityResult) -> dict[str, Any]:
    return {
        "community": r.community, "name": r.name, "town": r.town, "town_id": r.town_id, "period": r.period,
        "window": {"start": r.window.start.isoformat(), "end": r.window.end.isoformat()},
        "acceptance": {"date": r.acceptance_date, "team": r.team},
        "total": num(r.total), "grade": r.grade, "rank_in_town": r.rank_in_town,
        "rank_in_district": r.rank_in_district,
        "previous": None if r.previous is None else {"period": r.previous.period, "total": num(r.previous.total)},
        "trend": None if r.trend is None else num(r.trend),
        "categories": [{"no": c.no, "name": c.name, "score": num(c.score), "max": num(c.max)} for c in r.categories],
        "items": [{
            "no": i.no, "score": num(i.score), "max": num(i.max), "basis": i.basis, "explanation": i.explanation,
            "gap": i.gap, "computed_score": None if i.computed_score is None else num(i.computed_score),
            "refinement": i.refinement.note if i.refinement else None,
            "evidence": [{"label": e.label, "value": e.value, "source": e.source, "line": e.line, "url": e.url}
                         for e in i.evidence],
        } for i in r.items],
        "url": r.url,
        "period_url": r.period_url,
        "frozen_on": r.frozen_on.isoformat() if r.frozen_on else None,
        "correction": None if r.correction is None else {
            "original_total": num(r.correction.original_total), "original_grade": r.correction.original_grade,
            "original_rank_in_district": r.correction.original_rank_in_district,
            "date": r.correction.date.isoformat(), "reason": r.correction.reason,
            "approved_by": r.correction.approved_by, "document_no": r.correction.document_no},
    }


def results_json(scores: Scores | None) -> Iterator[dict[str, Any]]:
    """The ``results`` of ``scores.json``, one at a time (see ``pages/json_text.Streamed``)."""
    for r in ordered(scores or Scores()):
        yield result_json(r)


def scores_json(scores: Scores | None, config: SiteConfig, district: District, as_of: dt.date) -> dict[str, Any]:
    """The value of ``data/scores.json`` but for its last key, ``results``: those are :func:`results_json`, one at
    a time, so that the 4,000 results of a city never all exist as dicts at once."""
    scores = scores or Scores()
    rubric = scores.rubric
    return {
        "as_of": as_of.isoformat(),
        "rubric": {
            "title": rubric.title if rubric else "", "total": num(rubric.total) if rubric else 0,
            "categories": [{"no": c.no, "name": c.name, "weight": num(c.max)} for c in rubric.categories]
            if rubric else [],
            "items": [{"no": i.no, "category": c.no, "text": i.text, "weight": num(i.max), "basis": i.basis,
                       "rule": describe_rule(i.rule, i.max)} for c in rubric.categories for i in c.items]
            if rubric else [],
        },
        "grades": [{"name": g.name, "min": g.min} for g in config.grades],
        "excellence_line": config.excellence_line,
        "district": {"name": district.info.name, "indicators": [{
            "id": ind.id, "label": ind.label, "numerator": ind.numerator, "denominator": ind.denominator,
            "value": None if ind.value is None else round(float(ind.value), 4), "comparator": ind.comparator,
            "target": float(ind.target), "met": ind.met, "kind": ind.kind} for ind in scores.indicators]},
    }


def csv_columns(scores: Scores) -> list[tuple[str, str]]:
    """(header, meaning) of every CSV column, in order."""
    cols = [("社区代码", "community"), ("社区", "name"), ("镇(街道)", "town"), ("考评期", "period"),
            ("验收日期", "acceptance.date"), ("总分", "total"), ("等次", "grade"), ("镇内排名", "rank_in_town"),
            ("全区排名", "rank_in_district"), ("较上期", "trend")]
    if scores.rubric:
        cols += [(f"{c.no} {c.name}({c.weight:g})", f"categories[no={c.no}].score") for c in scores.rubric.categories]
        cols += [(f"第{i.no}项({i.weight:g})", f"items[no={i.no}].score") for i in scores.rubric.items]
    return cols


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value: str) -> str:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe (CSV injection)."""
    return f"'{value}" if value.startswith(FORMULA_START) else value


def scores_csv(scores: Scores) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([h for h, _ in csv_columns(scores)])
    for r in ordered(scores):
        trend = "" if r.trend is None else num(r.trend)
        writer.writerow([r.community, text_cell(r.name), text_cell(r.town), r.period, r.acceptance_date,
                         num(r.total), text_cell(r.grade),
                         r.rank_in_town, r.rank_in_district, trend,
                         *[num(c.score) for c in r.categories], *[num(i.score) for i in r.items]])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def schema_fields(node: dict[str, Any] | None = None, prefix: str = "") -> list[tuple[str, str, str]]:
    """Every field of the JSON Schema as (path, type, description), for the data page."""
    node = node if node is not None else load_schema()
    out: list[tuple[str, str, str]] = []
    for name, sub in node.get("properties", {}).items():
        path = f"{prefix}.{name}" if prefix else name
        kind = sub.get("type", "")
        kind = " 或 ".join(kind) if isinstance(kind, list) else kind
        out.append((path, kind, sub.get("description", "")))
        if "properties" in sub:
            out += schema_fields(sub, path)
        elif "items" in sub and "properties" in sub["items"]:
            out += schema_fields(sub["items"], f"{path}[]")
    return out
