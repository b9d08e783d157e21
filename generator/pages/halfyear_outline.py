"""The half-year report as a document outline: title, headings, paragraphs and tables, in words.

The site page (``halfyear_page``), the Word file (``reports/docx_report``) and the Markdown
file all print this one outline, so the three can never say different things.  Its fixed
wording is in the message catalogue (``report.*``); the official document is Chinese, so the
writers ask for ``lang="zh"``.  Sections follow the usual layout of a 情况报告: 一、基本情况,
二、六项机制推进和落实情况, 三、考评细则失分项, 四、主要指标与全区目标对照, 五、存在问题和差距.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from generator.messages import msg
from generator.pages.halfyear import CommunityHalfYear, Gap, HalfYearReport, IndicatorRow, Ratio, Value
from generator.pages.halfyear_figures import FIGURES, OVERVIEW, Figure, figure, remembered, value
from generator.scoring.rules.compare import fmt_number, fmt_percent

NUMERALS = "一二三四五六七八九十"
Kind = Literal["title", "addressee", "para", "h1", "h2", "caption", "table", "signature", "date", "note"]


@dataclass(frozen=True)
class Block:
    kind: Kind
    text: str = ""
    anchor: str = ""  # h1/h2: a stable id for the page's table of contents
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    total_row: bool = False  # the last row sums the others

    @property
    def lines(self) -> list[str]:
        """The title is broken where the wording breaks it (a two-line 公文 title); other blocks are one line."""
        return self.text.split("\n")

    @property
    def flat(self) -> str:
        return "".join(self.lines)


@dataclass
class Outline:
    title: str
    blocks: list[Block] = field(default_factory=list)
    tables: int = 0

    def next_table(self) -> int:
        """The number of the next table (表1, 表2 …), counted as tables are added."""
        self.tables += 1
        return self.tables

    def add(self, kind: Kind, text: str = "", **more: Any) -> None:
        self.blocks.append(Block(kind, text, **more))

    @property
    def headings(self) -> list[str]:
        return [b.text for b in self.blocks if b.kind in ("h1", "h2")]


class Words:
    """Catalogue texts in one language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, key: str, **params: object) -> str:
        return msg(key, **params).text(self.lang)

    def date(self, day: dt.date) -> str:
        return self("report.date", year=day.year, month=day.month, day=day.day)

    def period(self, period: str) -> str:
        year = period[:4]
        return self("report.period.first", year=year) if period.endswith("1") else self(
            "report.period.second", year=year)

    def value(self, v: Value) -> str:
        if v is None:
            return "—"
        if isinstance(v, bool):
            return self("report.yes") if v else self("report.no")
        if isinstance(v, Ratio):
            return fmt_percent(v.value) if v.value is not None else "—"
        return fmt_number(v)

    def names(self, items: Iterable[str]) -> str:
        return self("report.list_separator").join(items)


def _units(report: HalfYearReport) -> list[tuple[str, tuple[CommunityHalfYear, ...]]]:
    """The rows of the report's tables: each community of a town, or each town of the district."""
    if report.scope == "town":
        return [(c.name, (c,)) for c in report.communities]
    return [(t.name, t.communities) for t in report.towns]


def _table(w: Words, report: HalfYearReport, figures: tuple[Figure, ...], caption: str, out: Outline,
           extra: tuple[str, ...] = (), **params: object) -> None:
    unit = w("report.col.community") if report.scope == "town" else w("report.col.town")
    def cell(f: Figure, cs: tuple[CommunityHalfYear, ...]) -> str:  # one community: its own value (是/否)
        return w.value(value(f, cs[0]) if report.scope == "town" else figure(f, cs))

    rows = [(name, *(cell(f, cs) for f in figures)) for name, cs in _units(report)]
    rows.append((w("report.col.total"), *(w.value(figure(f, report.communities)) for f in figures)))
    if extra:  # per-community columns with no total (the score)
        rows = [(*r, e) for r, e in zip(rows, extra, strict=True)]
    header = (unit, *(w(f.label) for f in figures), *(
        (w("report.col.score"),) if extra else ()))
    out.add("caption", w(caption, n=out.next_table(), **params))
    out.add("table", header=header, rows=tuple(rows), total_row=True)


def _numbered(w: Words, n: int, key: str, text: str) -> str:
    return w(key, n=NUMERALS[n - 1] if n <= len(NUMERALS) else str(n), text=text)


def outline(report: HalfYearReport, lang: str = "zh") -> Outline:
    with remembered():
        return _outline(report, lang)


def _outline(report: HalfYearReport, lang: str) -> Outline:
    w = Words(lang)
    p = report.period
    scope = report.name
    title = w("report.title.town" if report.scope == "town" else "report.title.district", scope=scope,
              period=w.period(p.id))
    out = Outline(title.replace("\n", ""))
    out.add("title", title)
    if report.scope == "town":
        out.add("addressee", w("report.addressee", department=report.department))
    out.add("para", w("report.intro.town" if report.scope == "town" else "report.intro.district", scope=scope,
                      n=len(report.communities), towns=len(report.towns), period=w.period(p.id),
                      start=w.date(p.start), end=w.date(p.end)))
    out.add("para", w("report.intro.data", start=w.date(p.start), until=w.date(p.until), as_of=w.date(p.as_of)))
    if not p.ended:
        out.add("para", w("report.intro.unfinished", as_of=w.date(p.as_of)))
    sections = [_overview, _mechanisms, _items, _indicators, _gaps]
    for n, section in enumerate(sections, 1):
        section(w, report, out, n)
    out.add("signature", scope if report.scope == "town" else report.department)
    out.add("date", w.date(p.as_of))
    out.add("note", w("report.note", site=report.site_name, as_of=w.date(p.as_of)))
    return out


def _h1(w: Words, out: Outline, n: int, key: str) -> None:
    out.add("h1", _numbered(w, n, "report.h1", w(key)), anchor=f"s{n}")


def _overview(w: Words, report: HalfYearReport, out: Outline, n: int) -> None:
    _h1(w, out, n, "report.h.overview")
    cs = report.communities
    v = {f.id: w.value(figure(f, cs)) for f in (*OVERVIEW, *FIGURES[report.mechanisms[1]])}
    out.add("para", w("report.overview", scope=report.name, n=len(cs), participants=sum(
        a.participants for c in cs for a in c.activities), models=sum(c.model_brands for c in cs), **v))
    scores = (*(w.value(c.result.total) if c.result else "—" for c in cs), "—")
    _table(w, report, OVERVIEW, "report.caption.overview", out,
           extra=scores if report.scope == "town" else ())


def _mechanisms(w: Words, report: HalfYearReport, out: Outline, n: int) -> None:
    _h1(w, out, n, "report.h.mechanisms")
    summaries = ("report.summary.cadres", "report.summary.pledges", "report.summary.brands",
                 "report.summary.residence", "report.summary.classified", "report.summary.leadership")
    risks = report.risks()
    for k, (mechanism, key) in enumerate(zip(report.mechanisms, summaries, strict=True), 1):
        out.add("h2", _numbered(w, k, "report.h2", mechanism), anchor=f"s{n}-{k}")
        figures = FIGURES[mechanism]
        values = {f.id: w.value(figure(f, report.communities)) for f in figures}
        out.add("para", w(key, n=len(report.communities), **values))
        _table(w, report, figures, "report.caption.mechanism", out, mechanism=mechanism)
        if report.scope == "town":
            for c in report.communities:
                progress = c.progress(mechanism)
                if progress is None:
                    continue
                text = _sentence(progress.done)
                if progress.problems:
                    text += _sentence(w("report.progress.problems", text=progress.problems))
                if progress.next_steps:
                    text += _sentence(w("report.progress.next", text=progress.next_steps))
                out.add("para", w("report.progress", name=c.name, text=text))
        mine = [r for r in risks if report.categories.get(r.category) == mechanism]
        if not mine:
            out.add("para", w("report.mechanism.no_risk"))
            continue
        if report.scope == "town":
            items = [w("report.mechanism.risk_item", no=r.no, names=w.names(c.name for c, _ in r.losing))
                     for r in mine]
        else:
            items = [w("report.mechanism.risk_count", no=r.no, count=len(r.losing)) for r in mine]
        out.add("para", w("report.mechanism.risks", items=w("report.item_separator").join(items)))


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith(("。", "！", "？", ".")) else text + "。"


def _items(w: Words, report: HalfYearReport, out: Outline, n: int) -> None:
    _h1(w, out, n, "report.h.items")
    risks = report.risks()
    scored = [c for c in report.communities if c.result is not None]
    lost = sum((c.lost for c in scored), start=0)
    out.add("para", w("report.items.summary", scored=len(scored), n=len(report.communities), items=len(risks),
                      lost=fmt_number(lost)) if risks else w("report.items.none", scored=len(scored)))
    unscored = [c.name for c in report.communities if c.result is None]
    if unscored:
        out.add("para", w("report.items.unscored", names=w.names(unscored)))
    if risks:
        rows = []
        for r in risks:
            who = w.names(c.name for c, _ in r.losing) if report.scope == "town" else w(
                "report.count.communities", count=len(r.losing))
            rows.append((str(r.no), _short(r.text), fmt_number(r.max), who, fmt_number(r.lost)))
        out.add("caption", w("report.caption.items", n=out.next_table()))
        out.add("table", header=(w("report.col.item"), w("report.col.item_text"), w("report.col.weight"),
                                 w("report.col.losing"), w("report.col.lost")), rows=tuple(rows))
    if not scored:
        return
    if report.scope == "town":
        rows = [(c.name, w.period(c.result.period), fmt_number(c.result.total), c.result.grade,
                 w.names(str(i.no) for i in c.at_risk) or "—", fmt_number(c.lost)) for c in scored if c.result]
        header = (w("report.col.community"), w("report.col.score_period"), w("report.col.score"),
                  w("report.col.grade"), w("report.col.losing_items"), w("report.col.lost"))
    else:
        rows = [(t.name, str(sum(1 for c in t.communities if c.result)), str(sum(len(c.at_risk) for c in
                t.communities)), fmt_number(sum((c.lost for c in t.communities), start=0))) for t in report.towns]
        header = (w("report.col.town"), w("report.col.scored"), w("report.col.losing_count"), w("report.col.lost"))
    out.add("caption", w("report.caption.scores", n=out.next_table()))
    out.add("table", header=header, rows=tuple(rows))


def _short(text: str, limit: int = 30) -> str:
    """The item's text up to its first pause, or ``limit`` characters: a table cell, the full text is on the site."""
    for mark in ("，", ",", "；", ";", "。"):
        head = text.split(mark)[0]
        if len(head) < len(text) and len(head) <= limit:
            return head
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _indicator_cell(w: Words, row: IndicatorRow | None) -> str:
    if row is None or row.indicator.value is None:
        return "—"
    i = row.indicator
    return w("report.indicator.value", value=i.value_text, numerator=i.numerator, denominator=i.denominator)


def _status(w: Words, row: IndicatorRow) -> str:
    i = row.indicator
    if i.met:
        return w("report.indicator.met")
    if i.kind == "requirement":
        return w("report.indicator.unmet_names", names=w.names(i.unmet))
    if row.shortfall is not None:
        return w("report.indicator.short", count=row.shortfall, unit=i.unit_label)
    return w("report.indicator.unmet")


def _indicators(w: Words, report: HalfYearReport, out: Outline, n: int) -> None:
    """A town's indicators against the district's (one row per indicator); the district's, one row per town
    (and the district, the target and its status), so the table keeps its width however many towns there are."""
    _h1(w, out, n, "report.h.indicators")
    out.add("para", w("report.indicators.intro", as_of=w.date(report.period.as_of)))
    district = {r.indicator.id: r for r in report.district_indicators}
    if report.scope == "town":
        rows = [(r.indicator.label, r.indicator.target_text, _indicator_cell(w, r),
                 _indicator_cell(w, district.get(r.indicator.id)), _status(w, r)) for r in report.indicators]
        header = (w("report.col.indicator"), w("report.col.target"), report.name, w("report.col.district"),
                  w("report.col.status"))
    else:
        header = (w("report.col.town"), *(r.indicator.label for r in report.indicators))
        rows = [(t.name, *(_indicator_cell(w, next((x for x in t.indicators if x.indicator.id == r.indicator.id),
                                                      None)) for r in report.indicators)) for t in report.towns]
        rows.append((w("report.col.district"), *(_indicator_cell(w, r) for r in report.indicators)))
        rows.append((w("report.col.target"), *(r.indicator.target_text for r in report.indicators)))
        rows.append((w("report.col.status"), *(_status(w, r) for r in report.indicators)))
    out.add("caption", w("report.caption.indicators", n=out.next_table()))
    out.add("table", header=header, rows=tuple(rows))
    out.add("para", w("report.indicators.source", sources=w.names(dict.fromkeys(
        r.indicator.source for r in report.indicators))))


def _gap_text(w: Words, gap: Gap) -> str:
    if gap.kind == "item" and gap.item is not None:
        i = gap.item
        return w("report.gap.item", no=i.no, lost=fmt_number(i.max - i.score), gap=i.gap or i.explanation)
    if gap.kind == "overdue" and gap.pledge is not None:
        return w("report.gap.overdue", title=gap.pledge.pledge.title, days=gap.pledge.days_overdue)
    if gap.kind == "no_report":
        return w("report.gap.no_report")
    return w("report.gap.idle", mechanism=gap.mechanism or "")


def _gaps(w: Words, report: HalfYearReport, out: Outline, n: int) -> None:
    _h1(w, out, n, "report.h.gaps")
    out.add("h2", _numbered(w, 1, "report.h2", w("report.h.gaps.indicators")), anchor=f"s{n}-1")
    unmet = [r for r in report.indicators if not r.indicator.met]
    for row in unmet:
        i = row.indicator
        if i.kind == "requirement":
            out.add("para", w("report.gap.requirement", label=i.label, names=w.names(i.unmet)))
        else:
            out.add("para", w("report.gap.indicator", label=i.label, value=i.value_text, target=i.target_text,
                              short=_status(w, row)))
    if not unmet:
        out.add("para", w("report.gap.indicators_met"))
    heading = "report.h.gaps.communities" if report.scope == "town" else "report.h.gaps.towns"
    out.add("h2", _numbered(w, 2, "report.h2", w(heading)), anchor=f"s{n}-2")
    if report.scope == "town":
        for k, c in enumerate(report.communities, 1):
            gaps = c.gaps(report.categories)
            text = w("report.item_separator").join(_gap_text(w, g) for g in gaps) if gaps else w("report.gap.none")
            out.add("para", w("report.gap.community", n=k, name=c.name, text=text))
        return
    for k, t in enumerate(report.towns, 1):
        cs = t.communities
        out.add("para", w("report.gap.town", n=k, name=t.name, losing=sum(1 for c in cs if c.at_risk),
                          lost=fmt_number(sum((c.lost for c in cs), start=0)),
                          overdue=sum(len(c.overdue) for c in cs),
                          unreported=sum(1 for c in cs if c.report is None),
                          idle=sum(1 for c in cs if any(g.kind == "idle" for g in c.gaps(report.categories)))))
