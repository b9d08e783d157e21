"""Atom feed ``feed.xml``: new commendations, new brands and completed pledges.

Every date comes from the records (commendation date, brand start date, the
last milestone's ``done_on``), never from the clock, and entries are ordered by
(date, kind, id), so two builds of the same data give the same bytes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from generator import urls
from generator.pages.output import site_wide_only
from generator.pages.views import site_views
from generator.records.periods import period_label
from generator.scoring.rules.compare import fmt_number

if TYPE_CHECKING:
    from generator.context import SiteContext
    from generator.pages.output import Output

ATOM = "http://www.w3.org/2005/Atom"
FEED_PATH = urls.FEED
MAX_ENTRIES = 100
TZ = "+08:00"  # records carry dates only; publish them as midnight China time


@dataclass(frozen=True)
class FeedEntry:
    date: dt.date
    kind: str  # commendation | brand | pledge
    key: str  # unique within its kind
    title: str
    link: str  # absolute URL
    summary: str


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00{TZ}"


def _tag(site_url: str, day: dt.date, kind: str, key: str) -> str:
    """A permanent entry id (RFC 4151 tag URI) from the site host, the record's date and its id."""
    return f"tag:{urlsplit(site_url).hostname},{day.isoformat()}:{kind}/{key}"


def feed_entries(context: SiteContext) -> list[FeedEntry]:
    site = context.config.site.url
    d = context.district
    names = {c.key: c.name for c in d.communities()}
    brand_names = {b.id: b.name for c in d.communities() for b in c.brands.brands}
    entries: list[FeedEntry] = []
    for cm in d.info.commendations:
        who = [names[k] for k in cm.communities if k in names] + [brand_names[b] for b in cm.brands]
        if cm.brands:
            link = urls.public(site, urls.brand(cm.brands[0]))
        elif cm.communities and cm.communities[0] in names:
            link = urls.public(site, urls.community_key(cm.communities[0]))
        else:
            link = site
        summary = f"{cm.document_no}。{cm.reason}" + (f"受表彰：{'、'.join(who)}。" if who else "")
        entries.append(FeedEntry(cm.date, "commendation", cm.id, f"表彰：{cm.title}", link, summary))
    for c in d.communities():
        for b in c.brands.brands:
            entries.append(FeedEntry(b.started, "brand", b.id, f"党建品牌：{b.name}（{c.name}）",
                                     urls.public(site, urls.brand(b.id)), b.summary))
    for v in site_views(context).pledges:
        if v.completed_on is not None:
            entries.append(FeedEntry(
                v.completed_on, "pledge", f"{v.community.key}/{v.pledge.id}",
                f"承诺已完成：{v.pledge.title}（{v.community.name}）",
                urls.public(site, urls.anchor(v.tracker, v.anchor)),
                f"{v.pledge.kind}，责任人：{v.pledge.owner}。目标：{v.pledge.target}"))
    for r in context.scores.history if context.scores else []:
        fix = r.correction
        if fix is not None:
            entries.append(FeedEntry(
                fix.date, "correction", f"{r.community}/{r.period}",
                f"考评结果更正：{r.name}{period_label(r.period)}",
                urls.public(site, urls.anchor(r.period_url, "correction")),
                f"原{fmt_number(fix.original_total)}分，经{fix.approved_by}批准更正为{fmt_number(r.total)}分"
                + (f"（{fix.document_no}）" if fix.document_no else "") + f"。理由：{fix.reason}"))
    entries.sort(key=lambda e: (e.date, e.kind, e.key), reverse=True)
    return entries[:MAX_ENTRIES]


def atom_feed(context: SiteContext, entries: list[FeedEntry]) -> bytes:
    site = context.config.site.url
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "zh-CN"})

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            el.text = text
        return el

    sub(feed, "id", site)
    sub(feed, "title", f"{context.config.site.name} · 更新")
    sub(feed, "subtitle", "新的表彰、党建品牌和已完成的公开承诺")
    sub(feed, "updated", _stamp(entries[0].date if entries else context.as_of))
    sub(feed, "link", rel="self", type="application/atom+xml", href=site + FEED_PATH)
    sub(feed, "link", rel="alternate", type="text/html", href=site)
    author = sub(feed, "author")
    sub(author, "name", context.district.info.department)
    for e in entries:
        entry = sub(feed, "entry")
        sub(entry, "id", _tag(site, e.date, e.kind, e.key))
        sub(entry, "title", e.title)
        sub(entry, "updated", _stamp(e.date))
        sub(entry, "published", _stamp(e.date))
        sub(entry, "link", rel="alternate", type="text/html", href=e.link)
        sub(entry, "category", term=e.kind)
        sub(entry, "summary", " ".join(e.summary.split()))
    ET.indent(feed)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8",
                                                                    xml_declaration=False) + b"\n"


@site_wide_only
def render_feed(context: SiteContext, output: Output) -> None:
    output.add_file(FEED_PATH, atom_feed(context, feed_entries(context)))
