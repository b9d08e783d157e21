"""A briefing kit for a brand (项目推广: 简报信息): the facts a briefing writer needs, from the site model.

:func:`brand_brief` gathers what the brand page publishes — summary, key numbers, achievements with
their evidence, the yearly record, commendations, promotion records and the permanent link — and
:func:`brief_markdown` writes it as a Markdown draft (``brief_docx`` writes the same as Word).
Every record text is plain text: it is escaped, so a brand name can never become markup.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import TYPE_CHECKING, ClassVar

from generator import urls
from generator.messages import Msg, join, msg, t
from generator.pages.brands import published_communities
from generator.pages.markup import render_markdown
from generator.pages.qr import qr_for
from generator.pages.templating import oneline
from generator.pages.views import BrandView, site_views
from generator.records.schema import Commendation, Mention

if TYPE_CHECKING:
    from generator.context import SiteContext

ACHIEVEMENTS_ANCHOR = "achievements"  # the brand page's 工作成效 section


class BriefError(Exception):
    """The brand asked for is not published."""

    def __init__(self, message: Msg) -> None:
        super().__init__(message.text("en"))
        self.message = message


@dataclass(frozen=True)
class KeyNumber:
    label: str
    value: int
    unit: str


@dataclass(frozen=True)
class AchievementItem:
    date: dt.date
    text: str
    evidence: tuple[str, ...]  # same-day commendations and promotion records (the brand page comes last)


@dataclass(frozen=True)
class MentionItem:
    mention: Mention
    adopters: tuple[str, ...]  # names of the published communities that adopted the practice


@dataclass(frozen=True)
class Brief:
    view: BrandView
    as_of: dt.date
    district: str
    department: str
    site_name: str
    sample_data: bool
    url: str  # the permanent public address of the brand page
    achievements_url: str  # its 工作成效 section: the evidence every achievement shares
    numbers: tuple[KeyNumber, ...]
    achievements: tuple[AchievementItem, ...]  # oldest first
    story: tuple[Paragraph, ...]  # the brand's story as plain paragraphs
    mentions: tuple[MentionItem, ...]  # newest first
    commendations: tuple[Commendation, ...]  # newest first

    @property
    def name(self) -> str:
        return self.view.brand.name

    @property
    def place(self) -> str:
        """District, town and community, as a reader locates the brand."""
        return " ".join((self.district, self.view.town.name, self.view.community.name))


def date_text(day: dt.date) -> str:
    return t("brief.date", year=day.year, month=day.month, day=day.day)


def find_brand(context: SiteContext, brand_id: str) -> tuple[BrandView, str | None]:
    """The published brand with this id, and the former id it was found by (if it was)."""
    brands = site_views(context).brands
    for v in brands:
        if v.brand.id == brand_id:
            return v, None
    for v in brands:
        if brand_id in v.brand.former_ids:
            return v, brand_id
    raise BriefError(msg("brief.unknown_brand", brand=brand_id, count=len(brands)))


@dataclass(frozen=True)
class Paragraph:
    text: str
    item: bool = False  # a list item (shown with a bullet)


class _Text(HTMLParser):
    """Plain paragraphs (one per block element) from sanitized HTML."""

    BLOCKS: ClassVar[frozenset[str]] = frozenset(
        ("p", "li", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "dt", "dd", "td", "th", "figcaption"))

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Paragraph] = []
        self._parts: list[str] = []
        self._items = 0  # open list items: a paragraph inside one is still an item

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCKS:
            self._flush()
            self._items += tag == "li"
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self._parts.append(alt)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BLOCKS:
            self._flush()
            self._items -= tag == "li" and self._items > 0

    def handle_data(self, data: str) -> None:
        self._parts.append(data)

    def _flush(self) -> None:
        text = oneline("".join(self._parts))
        if text:
            self.blocks.append(Paragraph(text, self._items > 0))
        self._parts = []

    def close(self) -> None:
        super().close()
        self._flush()


def story_paragraphs(body: str | None) -> tuple[Paragraph, ...]:
    """A brand's Markdown story as plain paragraphs, rendered and sanitized as on its page."""
    if not body:
        return ()
    parser = _Text()
    parser.feed(render_markdown(body))
    parser.close()
    return tuple(parser.blocks)


def _numbers(v: BrandView, adopters: int) -> tuple[KeyNumber, ...]:
    b = v.brand
    candidates = [
        KeyNumber(t("brief.num.achievements"), len(b.achievements), t("brief.unit.items")),
        KeyNumber(t("brief.num.mentions"), len(b.mentions), t("brief.unit.times")),
        KeyNumber(t("brief.num.commendations"), len(v.commendations), t("brief.unit.items")),
        KeyNumber(t("brief.num.adopters"), adopters, t("brief.unit.communities")),
        KeyNumber(t("brief.num.years"), sum(1 for y in b.years if y.plan or y.midyear or y.yearend),
                  t("brief.unit.years")),
    ]
    shown = tuple(n for n in candidates if n.value > 0)[:3]
    return shown or (KeyNumber(t("brief.num.started"), b.started.year, t("brief.unit.years")),)


def _evidence(context: SiteContext, v: BrandView, day: dt.date) -> tuple[str, ...]:
    """What backs an achievement besides the brand page: commendations and promotion records of the same day."""
    out = [t("brief.doc.evidence.commendation", title=cm.title, document_no=cm.document_no)
           for cm in sorted(context.district.info.commendations, key=lambda cm: cm.id)
           if cm.date == day and (v.brand.id in cm.brands or v.community.key in cm.communities)]
    out += [t("brief.doc.evidence.mention", kind=m.kind, title=m.title, source=m.source)
            for m in sorted(v.brand.mentions, key=lambda m: m.title) if m.date == day]
    return tuple(out)


def brand_brief(context: SiteContext, v: BrandView) -> Brief:
    b = v.brand
    info = context.district.info
    url = qr_for(context, v.url).url  # the address the site's own QR code encodes
    communities = published_communities(context)
    mentions = tuple(MentionItem(m, tuple(communities[k].name for k in m.adopted_by if k in communities))
                     for m in sorted(b.mentions, key=lambda m: (m.date, m.title), reverse=True))
    adopters = {k for m in b.mentions for k in m.adopted_by if k in communities}
    achievements = tuple(AchievementItem(a.date, a.text, _evidence(context, v, a.date))
                         for a in sorted(b.achievements, key=lambda a: (a.date, a.text)))
    site = context.config.site
    page = urls.public(site.url, urls.anchor(v.url, ACHIEVEMENTS_ANCHOR))
    return Brief(v, context.as_of, info.name, info.department, site.name, site.sample_data, url, page,
                 _numbers(v, len(adopters)), achievements, story_paragraphs(b.body), mentions, v.commendations)


# --- Markdown ----------------------------------------------------------------------------------------------

_BACKSLASH = re.compile(r"([\\`*_{}\[\]()#+!])")  # escapable in CommonMark and in Python-Markdown alike
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "|": "&#124;", "~": "&#126;", "$": "&#36;", "^": "&#94;"}
_ENTITY = re.compile("[" + re.escape("".join(_ENTITIES)) + "]")
_LIST_START = re.compile(r"^(\s*)(\d+)([.)])")


_URL_MARK = "\x00"


def md(text: str) -> str:
    """Record text as literal Markdown text on one line: markup characters backslash-escaped, or as entities
    where a backslash is not an escape in every Markdown (``<`` in Python-Markdown, ``~`` and ``|`` in GFM)."""
    escaped = _BACKSLASH.sub(r"\\\1", re.sub(r"\s+", " ", text))
    return _ENTITY.sub(lambda m: _ENTITIES[m.group()], escaped)


def md_block(text: str) -> str:
    """Like :func:`md`, for text that starts a line (no list, heading or rule can start it)."""
    out = _LIST_START.sub(r"\1\2\\\3", md(text))
    return "\\" + out if out.startswith("-") else out


def md_url(url: str) -> str:
    """An address as an autolink (``<`` and ``>`` cannot end it early)."""
    return "<" + url.replace("<", "%3C").replace(">", "%3E").replace(" ", "%20") + ">"


def md_with_url(text: str, url: str) -> str:
    """``text`` (holding :data:`_URL_MARK` once) escaped, with ``url`` as an autolink in place of the mark."""
    before, after = text.split(_URL_MARK)
    return md(before) + md_url(url) + md(after)


def evidence_text(b: Brief, a: AchievementItem, url: str) -> str:
    return t("brief.doc.evidence", items=join([*a.evidence, t("brief.doc.evidence.page", url=url)]))


def year_lines(v: BrandView) -> list[tuple[str, list[str]]]:
    """Each year of the brand's record: its heading and one line per stage (record text not escaped)."""
    out = []
    for y in sorted(v.brand.years, key=lambda y: y.year):
        lines = []
        for key, entry in (("brief.doc.plan", y.plan), ("brief.doc.midyear", y.midyear),
                           ("brief.doc.yearend", y.yearend)):
            label = t(key)
            lines.append(t("brief.doc.entry", label=label, date=date_text(entry.date), summary=oneline(entry.summary))
                         if entry else t("brief.doc.no_entry", label=label))
        out.append((t("brief.doc.year", year=y.year), lines))
    return out


def basics(b: Brief) -> list[tuple[str, str]]:
    """(label, value) of the summary section (values are record text, not escaped)."""
    brand = b.view.brand
    model = t("brief.doc.model_yes", department=b.department) if b.view.is_model else t("brief.doc.model_no")
    return [(t("brief.doc.name"), brand.name), (t("brief.doc.community"), b.place), (t("brief.doc.theme"), brand.theme),
            (t("brief.doc.started"), date_text(brand.started)), (t("brief.doc.model"), model)]


def number_line(n: KeyNumber) -> str:
    return t("brief.doc.number", label=n.label, value=n.value, unit=n.unit)


def commendation_line(cm: Commendation) -> str:
    return t("brief.doc.commendation", date=date_text(cm.date), title=oneline(cm.title),
             document_no=oneline(cm.document_no), reason=oneline(cm.reason))


def mention_line(item: MentionItem) -> str:
    m = item.mention
    line = t("brief.doc.mention", date=date_text(m.date), kind=m.kind, title=oneline(m.title), source=oneline(m.source))
    if item.adopters:
        line += " · " + t("brief.doc.adopted", names=join(item.adopters))
    return line


def brief_markdown(b: Brief) -> str:
    """The Markdown draft; ``qr.png`` and ``poster.png`` are files beside it."""
    out = [f"# {md(t('brief.doc.title', brand=b.name))}", "", md_block(t("brief.doc.draft", date=date_text(b.as_of)))]
    if b.sample_data:
        out += ["", f"> **{md(t('brief.doc.sample'))}**"]
    out += ["", f"## {md(t('brief.doc.basics'))}", ""]
    out += [f"- {md(t('brief.doc.field', label=label, value=value))}" for label, value in basics(b)]
    out.append("- " + md_with_url(t("brief.doc.field", label=t("brief.doc.link_label"), value=_URL_MARK), b.url))
    out += ["", md_block(b.view.brand.summary)]
    out += ["", f"## {md(t('brief.doc.numbers'))}", ""]
    out += [f"- {md(number_line(n))}" for n in b.numbers]
    out += ["", f"## {md(t('brief.doc.achievements'))}", ""]
    if b.achievements:
        for a in b.achievements:
            out.append(f"- **{md(date_text(a.date))}** {md(a.text)}")
            out.append("  - " + md_with_url(evidence_text(b, a, _URL_MARK), b.achievements_url))
    else:
        out.append(md(t("brief.doc.none")))
    if b.story:
        out += ["", f"## {md(t('brief.doc.story'))}"]
        for i, para in enumerate(b.story):
            follows_item = i > 0 and b.story[i - 1].item and para.item
            out += [f"- {md(para.text)}"] if follows_item else ["", f"- {md(para.text)}" if para.item
                                                                    else md_block(para.text)]
    out += ["", f"## {md(t('brief.doc.record'))}", ""]
    years = year_lines(b.view)
    if not years:
        out.append(md(t("brief.doc.none")))
    for heading, lines in years:
        out += [f"### {md(heading)}", "", *[f"- {md(line)}" for line in lines], ""]
    if years:
        out.pop()
    commendations = [f"- {md(commendation_line(cm))}" for cm in b.commendations]
    mentions = [f"- {md(mention_line(m))}" + (f" {md_url(m.mention.url)}" if m.mention.url else "")
                for m in b.mentions]
    for title, lines in ((t("brief.doc.commendations"), commendations), (t("brief.doc.mentions"), mentions)):
        out += ["", f"## {md(title)}", ""]
        out += lines or [md(t("brief.doc.none"))]
    out += ["", f"## {md(t('brief.doc.link'))}", "", md_url(b.url), "", md_block(t("brief.doc.link_note")), "",
            f"![{md(t('brief.doc.qr_alt'))}](qr.png)", "", md_block(t("brief.doc.poster_note")), "", "---", "",
            md_block(t("brief.doc.footer", date=date_text(b.as_of)))]
    return "\n".join(out) + "\n"

