"""The build manifest: a content hash per published record, and what changed since the last build.

Record ids are stable and readable: ``pledge:<town>/<community>/<pledge-id>``,
``brand:<brand-id>``, ``commendation:<id>``, ``community:<town>/<community>``,
``members:<town>/<community>/<period>``, ``report:…/<period>``.  Activities,
surveys and acceptance records have no id in the format, so theirs is built
from the date and a short hash of the title (an edited title reads as one
record removed and one added, which is still visible).

A rebuild that changes nothing carries the previous list of changes forward,
so building twice gives the same site and the page keeps showing the last
real update.
"""

from __future__ import annotations

import hashlib
import json
import weakref
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import urls
from generator.messages import Msg, msg
from generator.pages.json_text import layered_json
from generator.pages.status import pledge_status
from generator.records.digests import content_hash

if TYPE_CHECKING:
    from generator.context import SiteContext

FORMAT = 1
MANIFEST_PATH = urls.MANIFEST
KIND_LABELS = {
    "district": "区级信息", "town": "镇(街道)", "community": "社区基本情况", "members": "党员情况",
    "pledge": "承诺", "brand": "党建品牌", "activity": "活动", "commendation": "表彰", "survey": "满意度测评",
    "report": "半年报告", "acceptance": "验收",
}


@dataclass(frozen=True)
class Record:
    id: str
    title: str
    hash: str
    community: str = ""  # "<town>/<community>" or "" for district-level records
    status: str = ""  # pledges: status label as of the build date
    score: str = ""  # communities: latest total score

    def as_json(self) -> dict[str, str]:
        out = {"title": self.title, "hash": self.hash}
        for key in ("community", "status", "score"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        return out

    @property
    def kind(self) -> str:
        return self.id.split(":", 1)[0]


def _short(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def _score_text(total: Any) -> str:
    if isinstance(total, Fraction | int | float):
        return f"{float(total):.2f}".rstrip("0").rstrip(".")
    return str(total) if total is not None else ""


_COLLECTED: weakref.WeakKeyDictionary[SiteContext, dict[str, Record]] = weakref.WeakKeyDictionary()


def collect(context: SiteContext) -> dict[str, Record]:
    """Every published record with its stable id, sorted by id (worked out once per build)."""
    found = _COLLECTED.get(context)
    if found is None:
        found = _COLLECTED[context] = _collect(context)
    return found


def _collect(context: SiteContext) -> dict[str, Record]:
    d = context.district
    out: list[Record] = [Record("district", d.info.name, content_hash(d.info.model_copy(
        update={"commendations": [], "model_brands": []})))]
    out += [Record(f"commendation:{cm.id}", cm.title, content_hash(cm)) for cm in d.info.commendations]
    scores = {getattr(r, "community", ""): r for r in (context.scores.results if context.scores else [])}
    for town in d.towns:
        out.append(Record(f"town:{town.id}", town.name, content_hash(town.info)))
        for c in town.communities:
            key = c.key
            score = scores.get(key)
            out.append(Record(f"community:{key}", c.name, content_hash(c.profile), key,
                              score=_score_text(getattr(score, "total", None)) if score else ""))
            out += [Record(f"members:{key}/{m.period}", m.period, content_hash(m), key) for m in c.members.members]
            out += [Record(f"pledge:{key}/{p.id}", p.title, content_hash(p), key,
                           status=pledge_status(p, context.as_of).label) for p in c.pledges.pledges]
            out += [Record(f"brand:{b.id}", b.name, content_hash(b), key) for b in c.brands.brands]
            out += [Record(f"activity:{key}/{a.date.isoformat()}/{_short(a.title)}", a.title, content_hash(a), key)
                    for a in c.activities.activities]
            a = c.assessments
            out += [Record(f"survey:{key}/{s.date.isoformat()}/{_short(s.topic)}", s.topic, content_hash(s), key)
                    for s in a.surveys]
            out += [Record(f"report:{key}/{r.period}", r.period, content_hash(r), key) for r in a.reports]
            out += [Record(f"acceptance:{key}/{x.date.isoformat()}/{x.period}", f"{x.period} {x.team}",
                           content_hash(x), key) for x in a.acceptance]
    records: dict[str, Record] = {}
    for r in out:
        rid, n = r.id, 2
        while rid in records:  # two activities with the same date and title
            rid, n = f"{r.id}-{n}", n + 1
        records[rid] = Record(rid, r.title, r.hash, r.community, r.status, r.score) if rid != r.id else r
    return dict(sorted(records.items()))


@dataclass(frozen=True)
class Change:
    type: str  # new-pledge, status, score, new-commendation, added, changed, removed
    id: str
    title: str
    community: str = ""
    before: str = ""
    after: str = ""

    def as_json(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v}


SECTION_ORDER = ("new-pledge", "status", "score", "new-commendation", "added", "changed", "removed")


def diff(before: dict[str, dict[str, Any]], after: dict[str, Record]) -> list[Change]:
    """What changed between a previous manifest's records and this build's."""
    changes: list[Change] = []
    for rid, rec in after.items():
        old = before.get(rid)
        if old is None:
            kind = {"pledge": "new-pledge", "commendation": "new-commendation"}.get(rec.kind, "added")
            changes.append(Change(kind, rid, rec.title, rec.community))
            continue
        listed = False
        if rec.status and old.get("status") and rec.status != old.get("status"):
            changes.append(Change("status", rid, rec.title, rec.community, str(old["status"]), rec.status))
            listed = True
        if rec.score != str(old.get("score", "")) and (rec.score or old.get("score")):
            changes.append(Change("score", rid, rec.title, rec.community, str(old.get("score", "")), rec.score))
            listed = True
        if not listed and rec.hash != old.get("hash"):
            changes.append(Change("changed", rid, rec.title, rec.community))
    for rid in sorted(set(before) - set(after)):
        old = before[rid]
        changes.append(Change("removed", rid, str(old.get("title", "")), str(old.get("community", ""))))
    return sorted(changes, key=lambda ch: (SECTION_ORDER.index(ch.type), ch.community, ch.id))


class BadManifest(ValueError):
    """The previous site's manifest cannot be read (it is then ignored); ``message`` says why."""

    def __init__(self, message: Msg) -> None:
        super().__init__(message.text("en"))
        self.message = message


def read_previous(site: Path | None) -> dict[str, Any] | None:
    """The previous published build's manifest, or ``None`` when there is none."""
    if site is None:
        return None
    file = Path(site) / MANIFEST_PATH
    if not file.is_file():
        return None
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise BadManifest(msg("manifest.unreadable", path=MANIFEST_PATH, detail=str(exc))) from exc
    if not (isinstance(data, dict) and data.get("format") == FORMAT and isinstance(data.get("records"), dict)
            and all(isinstance(v, dict) for v in data["records"].values())
            and isinstance(data.get("changes", []), list)):
        raise BadManifest(msg("manifest.wrong_format", path=MANIFEST_PATH, format=FORMAT))
    return data


def build_manifest(context: SiteContext, previous: dict[str, Any] | None) -> dict[str, Any]:
    """This build's manifest (records, and the changes since the previous build)."""
    records = collect(context)
    as_of = context.as_of.isoformat()
    manifest: dict[str, Any] = {"format": FORMAT, "as_of": as_of,
                                "records": {rid: r.as_json() for rid, r in records.items()}}
    if previous is None:
        manifest.update(first=True, updated=as_of, since=None, changes=[])
        return manifest
    changes = diff(previous["records"], records)
    if changes:
        manifest.update(first=False, updated=as_of, since=previous.get("as_of"),
                        changes=[c.as_json() for c in changes])
    else:  # nothing changed: keep showing the last real update
        manifest.update(first=bool(previous.get("first")), updated=previous.get("updated"),
                        since=previous.get("since"), changes=previous.get("changes", []))
    return manifest


def dump(manifest: dict[str, Any]) -> bytes:
    return layered_json(manifest, 2, sort_keys=True)  # one line per record and per change
