"""The half-year report as a Word file, in the usual layout of 党政机关公文 (GB/T 9704-2012).

A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm.  Title 二号 方正小标宋简体, centred;
一级标题 三号 黑体; 二级标题 三号 楷体_GB2312; body 三号 仿宋_GB2312, fixed 28 pt line spacing, the
first line indented two characters; tables 小四 仿宋_GB2312 with 黑体 headers, the header row
repeated on every page; page numbers 四号 宋体 "— 1 —" at the outer edge (odd pages right, even
pages left), 7 mm below the text.

Chinese fonts are set on ``w:eastAsia`` (``w:ascii``/``w:hAnsi`` stay Times New Roman for digits
and Latin text), and theme fonts are removed so they cannot override them.  The font table names a
fallback for each GB2312 font (``w:altName``: 仿宋, 楷体, 宋体), which Word and LibreOffice use on a
machine without it.  The writer only prints the outline (``generator.pages.halfyear_outline``): the
site page and the Markdown file show the same words and numbers.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_SECTION_START
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.text.paragraph import Paragraph

from generator.pages.halfyear_outline import Block, Outline

LATIN = "Times New Roman"
TITLE_FONT = "方正小标宋简体"
HEI = "黑体"
KAI = "楷体_GB2312"
FANG = "仿宋_GB2312"
SONG = "宋体"
FALLBACK = {TITLE_FONT: SONG, KAI: "楷体", FANG: "仿宋"}  # w:altName in the font table

ER_HAO = Pt(22)  # 二号
SAN_HAO = Pt(16)  # 三号
SI_HAO = Pt(14)  # 四号
XIAO_SI = Pt(12)  # 小四
LINE = Pt(28)  # fixed line spacing of the body
TABLE_LINE = Pt(18)
TEXT_WIDTH_MM = 210 - 28 - 26  # the type area's width

# Styles of the document: name -> (East Asian font, size, alignment, first-line indent in characters)
STYLES: dict[str, tuple[str, Pt, WD_ALIGN_PARAGRAPH, int]] = {
    "Normal": (FANG, SAN_HAO, WD_ALIGN_PARAGRAPH.JUSTIFY, 2),
    "Title": (TITLE_FONT, ER_HAO, WD_ALIGN_PARAGRAPH.CENTER, 0),
    "Heading 1": (HEI, SAN_HAO, WD_ALIGN_PARAGRAPH.JUSTIFY, 2),
    "Heading 2": (KAI, SAN_HAO, WD_ALIGN_PARAGRAPH.JUSTIFY, 2),
    "Caption": (HEI, SI_HAO, WD_ALIGN_PARAGRAPH.CENTER, 0),
    "Table Text": (FANG, XIAO_SI, WD_ALIGN_PARAGRAPH.CENTER, 0),
    "Table Header": (HEI, XIAO_SI, WD_ALIGN_PARAGRAPH.CENTER, 0),
    "Addressee": (FANG, SAN_HAO, WD_ALIGN_PARAGRAPH.LEFT, 0),
    "Signature": (FANG, SAN_HAO, WD_ALIGN_PARAGRAPH.RIGHT, 0),
    "Page Number": (SONG, SI_HAO, WD_ALIGN_PARAGRAPH.RIGHT, 0),
}
KIND_STYLES = {"title": "Title", "addressee": "Addressee", "para": "Normal", "h1": "Heading 1",
               "h2": "Heading 2", "caption": "Caption", "signature": "Signature", "date": "Signature",
               "note": "Normal"}


def set_east_asian(element: object, east_asia: str, latin: str = LATIN) -> None:
    """Set the run fonts of a style's or run's ``rPr``: ``w:eastAsia`` for Chinese, ``latin`` for the rest."""
    _fonts(element.get_or_add_rPr().get_or_add_rFonts(), east_asia, latin)  # type: ignore[attr-defined]


def _fonts(fonts: BaseOxmlElement, east_asia: str, latin: str = LATIN) -> None:
    """Explicit fonts on a ``w:rFonts``; theme fonts would override them, so they go."""
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:hint"), "eastAsia")


def _style(doc: DocumentObject, name: str) -> ParagraphStyle:
    from docx.enum.style import WD_STYLE_TYPE

    styles = doc.styles
    if name in [s.name for s in styles]:
        return styles[name]  # type: ignore[return-value]
    style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles["Normal"]
    return style  # type: ignore[return-value]


def _setup_styles(doc: DocumentObject) -> None:
    for name, (font, size, align, indent) in STYLES.items():
        style = _style(doc, name)
        style.font.size = size
        style.font.bold = False
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        set_east_asian(style.element, font)
        pf = style.paragraph_format
        pf.alignment = align
        pf.space_before = Pt(0)
        pf.space_after = Pt(0)
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = TABLE_LINE if name.startswith("Table") else LINE
        pf.first_line_indent = size * indent if indent else Pt(0)
        pf.left_indent = Pt(0)
        pf.right_indent = Pt(0)
        if indent:  # also in characters, which Word prefers: two characters whatever the size
            ind = style.element.get_or_add_pPr().get_or_add_ind()
            ind.set(qn("w:firstLineChars"), str(indent * 100))
        if name.startswith("Heading"):
            pf.keep_with_next = True
    title = _style(doc, "Title").paragraph_format
    title.line_spacing = Pt(36)
    title.space_after = LINE
    _style(doc, "Caption").paragraph_format.keep_with_next = True
    _style(doc, "Signature").paragraph_format.right_indent = SAN_HAO * 4  # 右空四字
    for name in ("Title", "Heading 1", "Heading 2"):  # no border line under the built-in title style
        ppr = _style(doc, name).element.get_or_add_pPr()
        for border in ppr.findall(qn("w:pBdr")):
            ppr.remove(border)
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
        if rpr is not None:
            fonts = rpr.find(qn("w:rFonts"))
            if fonts is not None:
                _fonts(fonts, FANG)
            lang = rpr.find(qn("w:lang"))
            if lang is None:
                lang = OxmlElement("w:lang")
                rpr.append(lang)
            lang.set(qn("w:eastAsia"), "zh-CN")


def _font_table(doc: DocumentObject) -> None:
    """Name a fallback (``w:altName``) for each font a machine may lack."""
    fonts_part = next((p for p in doc.part.package.iter_parts() if p.partname.endswith("/fontTable.xml")), None)
    if fonts_part is None:
        return
    from lxml import etree

    root = etree.fromstring(fonts_part.blob)
    for name in (TITLE_FONT, HEI, KAI, FANG, SONG):
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        if name in FALLBACK:
            etree.SubElement(font, qn("w:altName")).set(qn("w:val"), FALLBACK[name])
        etree.SubElement(font, qn("w:charset")).set(qn("w:val"), "86")  # GB2312
        etree.SubElement(font, qn("w:family")).set(qn("w:val"), "modern" if name == HEI else "roman")
    fonts_part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page(doc: DocumentObject) -> None:
    section = doc.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance = Mm(15)
    section.footer_distance = Mm(23)  # the number's line sits 7 mm below the type area
    doc.settings.odd_and_even_pages_header_footer = True
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
                          (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        p.style = _style(doc, "Page Number")
        p.alignment = align
        if align == WD_ALIGN_PARAGRAPH.RIGHT:  # 单页码居右空一字，双页码居左空一字
            p.paragraph_format.right_indent = SI_HAO
        else:
            p.paragraph_format.left_indent = SI_HAO
        p.add_run("— ")
        _page_field(p)
        p.add_run(" —")


def _page_field(p: Paragraph) -> None:
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = p.add_run()
        if kind is not None:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
            run._r.append(el)
        elif text == " PAGE ":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
            run._r.append(el)
        else:
            run.text = text or ""


def _chars(text: str) -> float:
    """Width of ``text`` in Chinese characters (digits and Latin letters are about half as wide)."""
    return sum(0.65 if ord(ch) < 0x2E80 else 1.0 for ch in text)


CHAR_MM = 12 / 72 * 25.4  # one 小四 character
PADDING_MM = 5.0  # cell margins, both sides, and a little air
BREAKS = {"、": "、\u200b", "（": "\u200b（"}  # a line may break after 、 or before （, never inside a number
MIN_CHARS = 4
MAX_CHARS = 40


def _cell_text(value: str) -> str:
    for mark, text in BREAKS.items():
        value = value.replace(mark, text)
    return value


def _widths(block: Block) -> list[float]:
    """Column widths (mm) filling the type area, shared out by water-filling: columns narrower than the
    common width get exactly what their longest cell needs, the longer ones share the rest equally."""
    columns = list(zip(block.header, *block.rows, strict=True))
    natural = [min(max(_chars(str(cell)) for cell in col), MAX_CHARS) * CHAR_MM + PADDING_MM for col in columns]
    if sum(natural) <= TEXT_WIDTH_MM:
        return [w * TEXT_WIDTH_MM / sum(natural) for w in natural]
    floor = MIN_CHARS * CHAR_MM + PADDING_MM
    low, high = floor, max(natural)
    for _ in range(50):  # the common width c with sum(min(natural, c)) == the type area's width
        mid = (low + high) / 2
        low, high = (mid, high) if sum(min(w, mid) for w in natural) < TEXT_WIDTH_MM else (low, mid)
    widths = [min(w, low) for w in natural]
    return [w * TEXT_WIDTH_MM / sum(widths) for w in widths]


def _repeat_header(row: object) -> None:
    trpr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    trpr.append(OxmlElement("w:tblHeader"))


def _table(doc: DocumentObject, block: Block) -> None:
    table = doc.add_table(rows=1 + len(block.rows), cols=len(block.header))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = _widths(block)
    left = [c == 0 or any(_chars(str(row[c])) > 12 for row in block.rows) for c in range(len(block.header))]
    for r, values in enumerate([block.header, *block.rows]):
        row = table.rows[r]
        if r == 0:
            _repeat_header(row)
        for c, value in enumerate(values):
            cell = row.cells[c]
            cell.width = Mm(widths[c])
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            p = cell.paragraphs[0]
            p.style = _style(doc, "Table Header" if r == 0 else "Table Text")
            if r and left[c]:  # names and long texts read from the left, figures are centred
                p.alignment = WD_ALIGN_PARAGRAPH.LEFT
            run = p.add_run(_cell_text(str(value)))
            if block.total_row and r == len(block.rows):
                run.bold = True
    for c, col in enumerate(table.columns):
        col.width = Mm(widths[c])
    doc.add_paragraph("", style=_style(doc, "Table Text"))  # a little air after the table


def build_docx(outline: Outline, day: dt.date | None = None) -> DocumentObject:
    doc = Document()
    _setup_styles(doc)
    _font_table(doc)
    _page(doc)
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):  # the template's empty first paragraph
        body.remove(p)
    props = doc.core_properties
    props.title = outline.title
    props.author = next((b.text for b in outline.blocks if b.kind == "signature"), "")
    props.language = "zh-CN"
    if day is not None:  # the same records give the same file
        stamp = dt.datetime(day.year, day.month, day.day)
        props.created = props.modified = stamp
        props.last_printed = stamp
    props.revision = 1
    for block in outline.blocks:
        if block.kind == "table":
            _table(doc, block)
            continue
        if block.kind == "signature":
            doc.add_paragraph("", style=_style(doc, "Normal"))  # 正文下空一行
        p = doc.add_paragraph(style=_style(doc, KIND_STYLES[block.kind]))
        for k, line in enumerate(block.lines):
            run = p.add_run(line)
            if k < len(block.lines) - 1:
                run.add_break()
    return doc


def write_docx(outline: Outline, path: Path, day: dt.date | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    build_docx(outline, day).save(str(path))
    return path
