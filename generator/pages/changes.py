"""Producer: ``data/manifest.json`` and the "本次更新" page (``changes/index.md``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import urls
from generator.messages import msg
from generator.pages.manifest import (
    FORMAT,
    KIND_LABELS,
    MANIFEST_PATH,
    BadManifest,
    build_manifest,
    collect,
    dump,
    read_previous,
)
from generator.pages.output import site_wide_only
from generator.pages.templating import cn_date, environment, render

if TYPE_CHECKING:
    from generator.context import SiteContext
    from generator.pages.output import Output

PAGE = urls.source(urls.CHANGES)
SECTIONS = (
    ("new-pledge", "新增承诺"),
    ("status", "承诺状态变化"),
    ("score", "考评得分变化"),
    ("new-commendation", "新增表彰"),
    ("added", "其他新增记录"),
    ("changed", "内容有修改的记录"),
    ("removed", "撤下的记录"),
)

FIRST = ("这是本站首次发布,没有更早的版本可以比较。以后每次更新网站,这里都会列出新增的承诺、"
         "承诺状态和考评得分的变化、新的表彰,以及内容有修改或被撤下的记录。")

# Items sit in raw HTML blocks, so record text is never read as Markdown; Jinja autoescapes it.
TEMPLATE = """---
title: 本次更新
description: {{ description | yaml_str }}
---

# 本次更新

{% if first %}
<p class="dj-lead">{{ first_text }}</p>
{% else %}
<p class="dj-lead">{% if since %}与 {{ since | cn_date }}的版本相比，{% endif %}[#- (no spaces in Chinese) -#]
{% if total %}{{ updated | cn_date }}更新了 {{ total }} 项内容。{% else %}公开记录没有变化。{% endif %}[#- -#]
每条公开记录的内容指纹见 <a href="{{ root }}{{ url.MANIFEST }}">{{ url.MANIFEST }}</a>，任何修改都会出现在这里。</p>
{% for section in sections %}

## {{ section.title }} {#{{ section.type }}}

<ul class="dj-changes">
{% for item in section.entries %}
<li>
{%- if item.href %}<a href="{{ item.href }}">{{ item.title }}</a>{% else %}{{ item.title }}{% endif %}
{%- if item.place %} · {{ item.place }}{% endif %}{% if item.kind %} · {{ item.kind }}{% endif %}
{%- if item.before or item.after %}：{{ item.before or "—" }} → {{ item.after or "—" }}{% endif -%}
{%- if item.history %} · <a href="{{ item.history }}">修改记录</a>{% endif -%}
</li>
{% endfor %}
</ul>
{% endfor %}
{% endif %}
"""


def _links(context: SiteContext, root: str) -> dict[str, str]:
    """Record id -> page that shows it, for records that are still published.

    Worked out from the records, not from the pages rendered so far, so the page is the same when the
    communities' pages are rendered elsewhere (``registry.render_site`` on worker processes): every
    published community has a board, every brand of one a page (``render_brands``), and the
    commendations are on the honours page (``render_honours``).
    """
    links: dict[str, str] = {}
    for c in context.district.communities():
        links[f"community:{c.key}"] = root + c.url
        for p in c.pledges.pledges:
            links[f"pledge:{c.key}/{p.id}"] = root + urls.pledge(c.town_id, c.id, p.id)
        for b in c.brands.brands:
            links[f"brand:{b.id}"] = root + urls.brand(b.id)
    for cm in context.district.info.commendations:
        links[f"commendation:{cm.id}"] = root + urls.HONOURS
    return links


def _places(context: SiteContext) -> dict[str, str]:
    return {c.key: f"{t.name} {c.name}" for t in context.district.towns for c in t.communities}


def _item(change: dict[str, Any], links: dict[str, str], places: dict[str, str]) -> dict[str, str]:
    rid = str(change.get("id", ""))
    community = str(change.get("community", ""))
    kind = rid.split(":", 1)[0]
    return {
        "title": str(change.get("title", "")) or rid,
        "href": links.get(rid, "") if change.get("type") != "removed" else "",
        "place": places.get(community, community),
        "kind": KIND_LABELS.get(kind, "") if change.get("type") in ("added", "changed", "removed") else "",
        "before": str(change.get("before", "")),
        "after": str(change.get("after", "")),
    }


def _day(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:  # a hand-edited previous manifest
        return None


def _previous(context: SiteContext, output: Output) -> dict[str, Any] | None:
    """The version to compare with: the previous one in git when there is one, else the published site's manifest."""
    if context.previous_records is not None and context.previous_day is not None:
        day = context.previous_day.isoformat()
        # With no change since that version the page says so (it does not carry an older list forward).
        return {"format": FORMAT, "as_of": day, "records": context.previous_records, "first": False,
                "changes": [], "updated": context.as_of.isoformat(), "since": day}
    previous_site = context.previous_site
    try:
        return read_previous(Path(previous_site) if previous_site else None)
    except BadManifest as exc:
        output.log.warn(MANIFEST_PATH, 0, "", msg("changes.manifest_ignored", problem=exc.message))
        return None


@site_wide_only
def render_changes(context: SiteContext, output: Output) -> None:
    """Write the manifest and the page listing what changed since the previous published build."""
    previous = _previous(context, output)
    manifest = build_manifest(context, previous)
    output.add_file(MANIFEST_PATH, dump(manifest))
    root = urls.root_prefix(PAGE)
    links, places = _links(context, root), _places(context)
    changes = [c for c in manifest["changes"] if isinstance(c, dict)]
    history_root = root + urls.HISTORY
    sections = []
    for type_, title in SECTIONS:
        items = [{**_item(c, links, places),
                  "history": history_root + "#" + history_anchor(str(c.get("id"))) if c.get("id") in context.history
                  else ""} for c in changes if c.get("type") == type_]
        if items:
            sections.append({"type": type_, "title": title, "entries": items})
    total = sum(len(s["entries"]) for s in sections)
    updated = _day(manifest["updated"])
    description = ("本站首次发布。" if manifest["first"] else
                   f"{cn_date(updated)}更新了 {total} 项内容:新增承诺、状态与得分变化、新表彰及修改记录。" if total
                   else "与上一版本相比，公开记录没有变化。")
    text = environment().from_string(TEMPLATE).render(
        first=manifest["first"], first_text=FIRST, since=_day(manifest["since"]), updated=updated,
        total=total,
        sections=sections, root=root, description=description)
    output.add_page(PAGE, text)
    _history_page(context, output, places)




def history_anchor(record_id: str) -> str:
    """A stable, readable anchor for a record id (ids hold ':' and '/')."""
    return "record-" + "".join(ch if ch.isalnum() or ch == "-" else "-" for ch in record_id)


def _history_page(context: SiteContext, output: Output, places: dict[str, str]) -> None:
    page = urls.source(urls.HISTORY)
    root = urls.root_prefix(page)
    links = _links(context, root)
    titles = {rid: rec.title for rid, rec in collect(context).items()}
    records = []
    for rid, changes in sorted(context.history.items(), key=lambda kv: (-kv[1][-1].day.toordinal(), kv[0])):
        community = rid.split(":", 1)[1].rsplit("/", 1)[0] if rid.startswith("pledge:") else rid.split(":", 1)[1]
        records.append({"title": titles.get(rid, rid), "anchor": history_anchor(rid), "href": links.get(rid, ""),
                        "kind": KIND_LABELS.get(rid.split(":", 1)[0], ""), "place": places.get(community, ""),
                        "changes": list(reversed(changes))})
    text = render("history.md.j2", records=records, root=root,
                  from_git=context.previous_records is not None or bool(context.history))
    output.add_page(page, text)
