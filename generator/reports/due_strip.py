"""The printable strip of what falls due: one A4 page per community, for the physical 公开栏.

A single self-contained HTML file: inline CSS, no scripts, no images, no fonts or other files
from anywhere (it is printed from a staff computer that may be offline).  Large text for
readers standing in front of the board.  Every record text is HTML-escaped.
"""

from __future__ import annotations

from html import escape

from generator.messages import language, t
from generator.reports.due import CommunityDue, DueItem, DueList, date_text

CSS = """
@page { size: A4 portrait; margin: 14mm 14mm 16mm; }
* { box-sizing: border-box; }
html { color: #111; background: #fff; }
body { margin: 0; font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
       "WenQuanYi Micro Hei", sans-serif; font-size: 17pt; line-height: 1.45; }
section { page-break-after: always; break-after: page; padding: 0 0 4mm; }
section:last-of-type { page-break-after: auto; break-after: auto; }
h1 { font-size: 28pt; line-height: 1.25; margin: 0 0 3mm; padding: 0 0 3mm; border-bottom: 2.5pt solid #8e0000;
     color: #8e0000; }
.lead { font-size: 16pt; margin: 0 0 5mm; }
.sample { display: inline-block; border: 1.5pt solid #111; padding: 0 2mm; margin-left: 3mm; font-size: 13pt; }
table { width: 100%; border-collapse: collapse; }
th, td { border: 1pt solid #444; padding: 2mm 2.5mm; text-align: left; vertical-align: top; }
th { background: #eee; font-size: 15pt; }
td.date, td.kind, td.state { white-space: nowrap; }
td.date { font-variant-numeric: tabular-nums; }
tr { page-break-inside: avoid; break-inside: avoid; }
tr.late td.state { font-weight: bold; color: #8e0000; }
.none { font-size: 20pt; margin: 10mm 0; }
.note { font-size: 12pt; margin: 5mm 0 0; }
footer { font-size: 12pt; margin-top: 6mm; color: #333; }
@media screen { body { max-width: 210mm; margin: 0 auto; padding: 8mm; }
                section { border-bottom: 1pt dashed #999; margin-bottom: 8mm; } }
"""


def _row(item: DueItem) -> str:
    cls = ' class="late"' if item.late else ""
    return (f"<tr{cls}><td class=\"date\">{escape(date_text(item.day))}</td>"
            f"<td class=\"kind\">{escape(item.kind_label)}</td><td>{escape(item.title)}</td>"
            f"<td class=\"state\">{escape(item.state)}</td></tr>")


def _section(due: DueList, cd: CommunityDue) -> str:
    v = cd.view
    sample = f'<span class="sample">{escape(t("due.strip.sample"))}</span>' if due.sample_data else ""
    lead = t("due.strip.lead", town=v.town.name, date=date_text(due.as_of), within=due.within)
    parts = [f"<section>\n<h1>{escape(t('due.strip.heading', community=v.community.name))}</h1>",
             f'<p class="lead">{escape(lead)}{sample}</p>']
    if cd.items:
        head = "".join(f"<th>{escape(t(key))}</th>"
                       for key in ("due.strip.date", "due.strip.kind", "due.strip.item", "due.strip.state"))
        rows = "\n".join(_row(i) for i in cd.items)
        parts.append(f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table>")
        if any(i.kind == "report" for i in cd.items):
            parts.append(f'<p class="note">{escape(t("due.report_rule"))}</p>')
    else:
        parts.append(f'<p class="none">{escape(t("due.strip.none", within=due.within))}</p>')
    parts.append(f"<footer>{escape(t('due.strip.footer', site=due.site_name))}</footer>\n</section>")
    return "\n".join(parts)


def due_strip(due: DueList) -> str:
    """The whole HTML document: a section (one printed page) per selected community."""
    lang = "zh-CN" if language() == "zh" else "en"
    body = "\n".join(_section(due, cd) for cd in due.communities)
    return f"""<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>{escape(t("due.strip.title"))} · {escape(date_text(due.as_of))}</title>
<style>{CSS}</style>
</head>
<body>
{body}
</body>
</html>
"""
