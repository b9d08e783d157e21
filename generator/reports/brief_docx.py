"""The briefing kit as a Word draft (python-docx): A4, 仿宋 body, 黑体 headings, the permanent link and its QR code.

The layout follows the common conventions of government documents (GB/T 9704): A4 with margins of
about 37/35/28/26 mm, body text 三号 (16 pt) 仿宋 on a fixed 28 pt line, headings 黑体.  The East
Asian font is set explicitly on every style (``w:eastAsia``), since Word otherwise keeps the
template's theme font for Chinese text.  The file is reproducible: the same brief gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor, Twips
from docx.text.paragraph import Paragraph

from generator.messages import t
from generator.reports.brief import (
    Brief,
    basics,
    commendation_line,
    date_text,
    evidence_text,
    mention_line,
    number_line,
    year_lines,
)

BODY_FONT = "仿宋"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"
BLACK = RGBColor(0, 0, 0)
LINK_BLUE = RGBColor(0x05, 0x63, 0xC1)
_NOT_XML = re.compile(r"[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    """Text Word can hold: characters XML 1.0 does not allow are dropped."""
    return _NOT_XML.sub("", text)


def _fonts(style_font, east_asian: str, size: float, bold: bool = False) -> None:  # type: ignore[no-untyped-def]
    style_font.name = LATIN_FONT
    style_font.size = Pt(size)
    style_font.bold = bold
    style_font.color.rgb = BLACK
    rfonts = style_font.element.rPr.rFonts if style_font.element.rPr is not None else None
    if rfonts is None:
        rfonts = style_font.element.get_or_add_rPr().get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(theme), None)
    rfonts.set(qn("w:eastAsia"), east_asian)


def _styles(doc) -> None:  # type: ignore[no-untyped-def]
    normal = doc.styles["Normal"]
    _fonts(normal.font, BODY_FONT, 16)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(28)
    fmt.space_after = Pt(0)
    for name, size in (("Title", 22), ("Heading 1", 16), ("Heading 2", 16)):
        style = doc.styles[name]
        _fonts(style.font, HEADING_FONT, size)
        style.font.italic = False
        pf = style.paragraph_format
        pf.space_before = Pt(12)
        pf.space_after = Pt(6)
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(size + 12)
        ppr = style.element.pPr
        border = ppr.find(qn("w:pBdr")) if ppr is not None else None
        if border is not None:  # the template's Title has a rule under it
            ppr.remove(border)
    doc.styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _page(doc) -> None:  # type: ignore[no-untyped-def]
    section = doc.sections[0]
    section.page_width, section.page_height = Twips(11906), Twips(16838)  # A4, as Word writes it
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)


def _hyperlink(paragraph: Paragraph, url: str) -> None:
    """A clickable external link showing its own address."""
    r_id = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    run = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    color = OxmlElement("w:color")
    color.set(qn("w:val"), str(LINK_BLUE))
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    rpr.append(color)
    rpr.append(underline)
    run.append(rpr)
    text = OxmlElement("w:t")
    text.text = _clean(url)
    text.set(qn("xml:space"), "preserve")
    run.append(text)
    link.append(run)
    paragraph._p.append(link)


def _bullet(doc, text: str, level: int = 0) -> Paragraph:  # type: ignore[no-untyped-def]
    return doc.add_paragraph(_clean(text), style="List Bullet" if level == 0 else "List Bullet 2")


def _reproducible(data: bytes, day: dt.date) -> bytes:
    """The package re-zipped with every entry dated ``day`` (python-docx stamps the time of saving)."""
    out = io.BytesIO()
    stamp = (max(day.year, 1980), day.month, day.day, 0, 0, 0)
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def brief_docx(b: Brief, qr_png: bytes) -> bytes:
    """The Word draft: the same sections as the Markdown draft, with the QR code as a picture."""
    doc = Document()
    _page(doc)
    _styles(doc)
    props = doc.core_properties
    moment = dt.datetime(b.as_of.year, b.as_of.month, b.as_of.day)
    props.title = _clean(t("brief.doc.title", brand=b.name))
    props.author = props.last_modified_by = _clean(b.site_name)
    props.created = props.modified = moment
    props.last_printed = moment
    props.revision = 1
    props.comments = ""

    doc.add_paragraph(_clean(t("brief.doc.title", brand=b.name)), style="Title")
    lead = doc.add_paragraph(_clean(t("brief.doc.draft", date=date_text(b.as_of))))
    lead.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if b.sample_data:
        doc.add_paragraph().add_run(_clean(t("brief.doc.sample"))).bold = True

    doc.add_heading(_clean(t("brief.doc.basics")), level=1)
    for label, value in basics(b):
        _bullet(doc, t("brief.doc.field", label=label, value=value))
    link = _bullet(doc, t("brief.doc.field", label=t("brief.doc.link_label"), value=""))
    _hyperlink(link, b.url)
    doc.add_paragraph(_clean(b.view.brand.summary))

    doc.add_heading(_clean(t("brief.doc.numbers")), level=1)
    for n in b.numbers:
        _bullet(doc, number_line(n))

    doc.add_heading(_clean(t("brief.doc.achievements")), level=1)
    for a in b.achievements:
        p = _bullet(doc, "")
        p.add_run(_clean(date_text(a.date))).bold = True
        p.add_run(" " + _clean(a.text))
        _bullet(doc, evidence_text(b, a, b.achievements_url), level=1)
    if not b.achievements:
        doc.add_paragraph(_clean(t("brief.doc.none")))

    if b.story:
        doc.add_heading(_clean(t("brief.doc.story")), level=1)
        for para in b.story:
            if para.item:
                _bullet(doc, para.text)
            else:
                doc.add_paragraph(_clean(para.text))

    doc.add_heading(_clean(t("brief.doc.record")), level=1)
    years = year_lines(b.view)
    for heading, lines in years:
        doc.add_heading(_clean(heading), level=2)
        for line in lines:
            _bullet(doc, line)
    if not years:
        doc.add_paragraph(_clean(t("brief.doc.none")))

    doc.add_heading(_clean(t("brief.doc.commendations")), level=1)
    for cm in b.commendations:
        _bullet(doc, commendation_line(cm))
    if not b.commendations:
        doc.add_paragraph(_clean(t("brief.doc.none")))
    doc.add_heading(_clean(t("brief.doc.mentions")), level=1)
    for m in b.mentions:
        p = _bullet(doc, mention_line(m) + (" " if m.mention.url else ""))
        if m.mention.url:
            _hyperlink(p, m.mention.url)
    if not b.mentions:
        doc.add_paragraph(_clean(t("brief.doc.none")))


    doc.add_heading(_clean(t("brief.doc.link")), level=1)
    _hyperlink(doc.add_paragraph(), b.url)
    doc.add_paragraph(_clean(t("brief.doc.link_note")))
    picture = doc.add_picture(io.BytesIO(qr_png), width=Cm(4))
    picture._inline.docPr.set("descr", _clean(t("brief.doc.qr_alt")))  # alternative text for screen readers
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(_clean(t("brief.doc.poster_note")))
    footer = doc.add_paragraph(_clean(t("brief.doc.footer", date=date_text(b.as_of))))
    footer.paragraph_format.space_before = Pt(12)

    buf = io.BytesIO()
    doc.save(buf)
    return _reproducible(buf.getvalue(), b.as_of)

