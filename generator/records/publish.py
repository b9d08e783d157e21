"""Stage 3: the publication gate.

Only records that are approved *and* public reach the site.  An item's own
``publication`` wins over its file's; a record with neither is a draft.
Everything held back is listed, with the reason, for ``dangjian check``.
A published commendation that names a held-back community or brand is an
error (``check_recipients``), so the honours page never shows an empty recipient.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from generator.errors import ErrorLog
from generator.messages import Msg, msg
from generator.records.model import Community, District, Town
from generator.records.schema import Cycle, Publication, locate

DISTRICT_FILE = "communities/district.yml"


@dataclass(frozen=True)
class HeldBack:
    where: str
    what: str
    reason: Msg

    def __str__(self) -> str:
        return f"{self.where}: {self.what}: {self.reason}"


@dataclass
class Gate:
    held: list[HeldBack] = field(default_factory=list)

    def passes(self, own: Publication | None, inherited: Publication | None, where: str, what: str) -> bool:
        pub = own or inherited
        if pub is None:
            self.held.append(HeldBack(where, what, msg("publish.held.no_state")))
            return False
        if pub.state != "approved":
            self.held.append(HeldBack(where, what, msg("publish.held.draft")))
            return False
        if pub.scope != "public":
            self.held.append(HeldBack(where, what, msg("publish.held.internal")))
            return False
        return True

    def keep(self, items: list[Any], inherited: Publication | None, where: str, label: str) -> list[Any]:
        out = []
        for i, item in enumerate(items):
            name = getattr(item, "title", None) or getattr(item, "name", None) or getattr(item, "period", "")
            if self.passes(item.publication, inherited, where, f"{label}[{i}] {name}".strip()):
                out.append(item)
        return out


def publish(district: District) -> tuple[District, list[HeldBack]]:
    """Return the public view of ``district`` and what was held back."""
    gate = Gate()
    info = district.info
    dist_where = district.sources.where("district.yml")[0]
    commendations = gate.keep(info.commendations, info.publication, dist_where, "commendations")
    towns: list[Town] = []
    for town in district.towns:
        where = town.sources.where("town.yml")[0]
        if not gate.passes(town.info.publication, None, where, f"town {town.name}"):
            continue
        communities = [c for c in (_publish_community(c, gate) for c in town.communities) if c is not None]
        towns.append(replace(town, communities=communities))
    visible_brands = {b.id for t in towns for c in t.communities for b in c.brands.brands}
    # A published commendation keeps its lists as written: naming a held-back recipient is an error
    # (check_recipients), never silently narrowed.  The model-brand list is narrowed to what is published.
    new_info = info.model_copy(update={"commendations": commendations,
                                       "model_brands": [b for b in info.model_brands if b in visible_brands]})
    return replace(district, info=new_info, towns=towns), gate.held


def check_recipients(public: District) -> ErrorLog:
    """A published commendation names only published communities and brands (the honours page shows each one).

    A draft commendation is held back by the gate and not checked; an unknown key is reported by ``validate``.
    """
    log = ErrorLog()
    visible = {c.key for c in public.communities()}
    visible_brands = {b.id for c in public.communities() for b in c.brands.brands}
    for cm in public.info.commendations:
        if not cm.communities and not cm.brands:
            log.add(*locate(cm, DISTRICT_FILE), msg("publish.no_recipients"))
        for j, key in enumerate(cm.communities):
            if key not in visible:
                log.add(*locate(cm, DISTRICT_FILE, "communities", j),
                        msg("publish.community_not_published", community=key))
        for j, bid in enumerate(cm.brands):
            if bid not in visible_brands:
                log.add(*locate(cm, DISTRICT_FILE, "brands", j), msg("publish.brand_not_published", id=bid))
    return log


def _publish_community(c: Community, gate: Gate) -> Community | None:
    where = c.sources.where("profile.yml")[0]
    if not gate.passes(c.profile.publication, None, where, f"community {c.name}"):
        return None

    def w(name: str) -> str:
        return c.sources.where(name)[0]

    members = c.members.model_copy(update={
        "members": gate.keep(c.members.members, c.members.publication, w("members.yml"), "members")})
    pledges = c.pledges.model_copy(update={
        "pledges": gate.keep(c.pledges.pledges, c.pledges.publication, w("pledges.yml"), "pledges")})
    brands = c.brands.model_copy(update={
        "brands": gate.keep(c.brands.brands, c.brands.publication, w("brands.yml"), "brands")})
    activities = c.activities.model_copy(update={
        "activities": gate.keep(c.activities.activities, c.activities.publication, w("activities.yml"),
                                "activities")})
    assessments = c.assessments
    has_any = assessments.surveys or assessments.reports or assessments.acceptance
    if has_any and not gate.passes(assessments.publication, None, w("assessments.yml"), "assessments"):
        assessments = type(assessments)()
    else:  # a half-year report may carry its own state (a draft report is not published with the file)
        assessments = assessments.model_copy(update={"reports": gate.keep(
            assessments.reports, assessments.publication, w("assessments.yml"), "reports")})
    cycles = [_publish_plan(cycle, k, c.profile.publication, gate, w("profile.yml"))
              for k, cycle in enumerate(c.profile.cycles)]
    profile = c.profile.model_copy(update={"cycles": cycles})
    return replace(c, profile=profile, members=members, pledges=pledges, brands=brands, activities=activities,
                   assessments=assessments)


def _publish_plan(cycle: Cycle, k: int, inherited: Publication | None, gate: Gate, where: str) -> Cycle:
    """A cycle's dates are part of the profile; its plan is published only when approved."""
    if not cycle.has_plan or gate.passes(cycle.publication, inherited, where, f"cycles[{k}] {cycle.id} plan"):
        return cycle
    return cycle.model_copy(update={"goals": [], "measures": [], "expected": [], "steps": []})
