"""Stage 3: the publication gate.

Only records that are approved *and* public reach the site, and only if every
container is too: a pledge is published when its own ``publication`` (if it has
one), its file's, its community's and its town's all allow it — an item marked
approved inside a draft file stays a draft.  An approval dated after the as-of
day is held back until that day (``check`` lists the date).  A record with no
state anywhere is a draft.  Everything held back is listed, with the reason.
A published commendation that names a held-back community or brand is an
error (``check_recipients``), so the honours page never shows an empty recipient.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
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
    what: str | Msg
    reason: Msg

    def __str__(self) -> str:
        return f"{self.where}: {self.what}: {self.reason}"


@dataclass
class Gate:
    as_of: dt.date
    held: list[HeldBack] = field(default_factory=list)

    def _reason(self, chain: Sequence[Publication | None]) -> Msg | None:
        """Why a record with these publications (outermost first, its file's, its own last) is held back.

        The record needs a state of its own or from its file; its community's or town's approval never
        stands in for that, but each container that has a state must allow it too.
        """
        if not chain or (chain[-1] is None and (len(chain) < 2 or chain[-2] is None)):
            return msg("publish.held.no_state")
        for pub in (p for p in chain if p is not None):
            if pub.state != "approved":
                return msg("publish.held.draft")
            if pub.scope != "public":
                return msg("publish.held.internal")
            if pub.approved_on is not None and pub.approved_on > self.as_of:
                return msg("publish.held.future", day=pub.approved_on.isoformat())
        return None

    def passes(self, own: Publication | None, inherited: Publication | Sequence[Publication | None] | None,
               where: str, what: str | Msg) -> bool:
        """``own`` and every container's publication (``inherited``: the file's, or a list outermost first
        ending with the file's) allow it."""
        containers = list(inherited) if isinstance(inherited, (list, tuple)) else [inherited]
        reason = self._reason([*containers, own])
        if reason is not None:
            self.held.append(HeldBack(where, what, reason))
            return False
        return True

    def keep(self, items: list[Any], inherited: Publication | Sequence[Publication | None] | None, where: str,
             label: str) -> list[Any]:
        out = []
        for i, item in enumerate(items):
            name = getattr(item, "title", None) or getattr(item, "name", None) or getattr(item, "period", "")
            if self.passes(item.publication, inherited, where, f"{label}[{i}] {name}".strip()):
                out.append(item)
        return out


def publish(district: District, as_of: dt.date) -> tuple[District, list[HeldBack]]:
    """Return the public view of ``district`` on ``as_of`` and what was held back."""
    gate = Gate(as_of)
    info = district.info
    dist_where = district.sources.file("district.yml")
    commendations = gate.keep(info.commendations, info.publication, dist_where, "commendations")
    # The district file's own content (its model brands) is published only when the file is.
    district_open = info.publication is None or gate._reason([None, info.publication]) is None
    towns: list[Town] = []
    for town in district.towns:
        where = town.sources.file("town.yml")
        if not gate.passes(town.info.publication, [None], where, msg("publish.what.town", name=town.name)):
            continue
        communities = [c for c in (_publish_community(c, gate, town.info.publication) for c in town.communities)
                       if c is not None]
        towns.append(replace(town, communities=communities))
    # A published commendation keeps its lists as written: naming a held-back recipient is an error
    # (check_recipients), never silently narrowed.
    # A published district file keeps its model-brand list as written (naming a held-back brand is an error
    # in check_recipients); a district file that is not published shows none of its own content.
    model_brands = list(info.model_brands) if district_open else []
    new_info = info.model_copy(update={"commendations": commendations, "model_brands": model_brands})
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
    for j, bid in enumerate(public.info.model_brands):
        if bid not in visible_brands:
            log.add(*locate(public.info, DISTRICT_FILE, "model_brands", j),
                    msg("publish.model_brand_not_published", id=bid))
    for c in public.communities():
        for brand in c.brands.brands:
            for mention in brand.mentions:
                for j, adopter in enumerate(mention.adopted_by):
                    if adopter not in visible:
                        log.add(*locate(mention, f"{c.rel_dir}/brands.yml", "adopted_by", j),
                                msg("publish.adopter_not_published", community=adopter))
    return log


def _publish_community(c: Community, gate: Gate, town: Publication | None) -> Community | None:
    """The community's published records; its town's and its profile's publication are containers of all."""
    where = c.sources.file("profile.yml")
    if not gate.passes(c.profile.publication, [town, None], where, msg("publish.what.community", name=c.name)):
        return None
    outer = [town, c.profile.publication]

    def w(name: str) -> str:
        return c.sources.file(name)

    def files(own: Publication | None) -> list[Publication | None]:
        return [*outer, own]

    members = c.members.model_copy(update={
        "members": gate.keep(c.members.members, files(c.members.publication), w("members.yml"), "members")})
    pledges = c.pledges.model_copy(update={
        "pledges": gate.keep(c.pledges.pledges, files(c.pledges.publication), w("pledges.yml"), "pledges")})
    brands = c.brands.model_copy(update={
        "brands": gate.keep(c.brands.brands, files(c.brands.publication), w("brands.yml"), "brands")})
    activities = c.activities.model_copy(update={
        "activities": gate.keep(c.activities.activities, files(c.activities.publication), w("activities.yml"),
                                "activities")})
    assessments = c.assessments
    has_any = assessments.surveys or assessments.reports or assessments.acceptance
    if has_any and not gate.passes(assessments.publication, [*outer, None], w("assessments.yml"),
                                   msg("publish.what.assessments")):
        assessments = type(assessments)()
    else:  # a half-year report may carry its own state (a draft report is not published with the file)
        assessments = assessments.model_copy(update={"reports": gate.keep(
            assessments.reports, files(assessments.publication), w("assessments.yml"), "reports")})
    cycles = [_publish_plan(cycle, k, outer, gate, w("profile.yml"))
              for k, cycle in enumerate(c.profile.cycles)]
    profile = c.profile.model_copy(update={"cycles": cycles})
    return replace(c, profile=profile, members=members, pledges=pledges, brands=brands, activities=activities,
                   assessments=assessments)


def _publish_plan(cycle: Cycle, k: int, inherited: list[Publication | None], gate: Gate, where: str) -> Cycle:
    """A cycle's dates are part of the profile; its plan is published only when approved."""
    what = msg("publish.what.plan", k=k, cycle=cycle.id)
    if not cycle.has_plan or gate.passes(cycle.publication, inherited, where, what):
        return cycle
    return cycle.model_copy(update={"goals": [], "measures": [], "expected": [], "steps": []})
