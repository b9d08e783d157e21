"""Stage 2: checks that span fields, files and communities.

Schema-level problems (types, unknown keys) are caught while loading; this
stage catches what only makes sense with the whole picture: duplicate ids,
dangling references, dates outside the cycle, counts that do not add up.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from generator.errors import ErrorLog
from generator.records.cycles import cycle_at, cycle_of_period, cycles_hint, outside_message
from generator.records.facts import check_changes
from generator.records.images import ImageProblem, check_decodes
from generator.records.model import Community, District
from generator.records.periods import period_bounds
from generator.records.schema import ALL_CADRES, MemberCounts, locate


def validate(district: District, as_of: dt.date, partial: bool = False) -> ErrorLog:
    """Cross-record checks. With ``partial`` (some files failed to load), checks
    that need the whole district (references between communities) are skipped."""
    log = ErrorLog()
    for community in district.communities():
        _check_profile(community, log)
        check_changes(community, log)
        _check_members(community, log)
        _check_pledges(community, as_of, log)
        _check_activities(community, as_of, log)
        _check_assessments(community, as_of, log)
        _check_brand_years(community, log)
        _check_images(district, community, log)
    _check_brand_ids(district, log)
    if not partial:
        _check_district_refs(district, log)
    return log


def _err(c: Community, file: str, path: tuple[str | int, ...], field: str, message: str, hint: str = "",
         log: ErrorLog | None = None) -> None:
    assert log is not None
    where, line = c.sources.where(file, path)
    log.add(where, line, field, message, hint)


def _in_cycle(c: Community, day: dt.date) -> bool:
    return cycle_at(c.profile.cycles, day) is not None


def _period_in_cycle(c: Community, period: str) -> bool:
    return cycle_of_period(c.profile.cycles, period) is not None


def _cycle_hint(c: Community) -> str:
    return cycles_hint(c.profile.cycles)


def _outside(c: Community, what: str) -> str:
    return outside_message(c.profile.cycles, what)


def _check_profile(c: Community, log: ErrorLog) -> None:
    p = c.profile
    previous = None
    for k, cyc in enumerate(p.cycles):
        f = f"cycles[{k}]"
        if cyc.end <= cyc.start:
            _err(c, "profile.yml", ("cycles", k, "end"), f"{f}.end", "must be after start", log=log)
        elif cyc.end > _add_years(cyc.start, 2):
            _err(c, "profile.yml", ("cycles", k, "end"), f"{f}.end", "a project cycle lasts at most two years",
                 f"start {cyc.start} allows an end up to {_add_years(cyc.start, 2)}", log=log)
        if previous is not None and cyc.start <= previous.end:
            _err(c, "profile.yml", ("cycles", k, "start"), f"{f}.start",
                 f"cycle starts before the previous one ends ({previous.end})",
                 "list cycles oldest first; a new cycle starts after the last one ends", log=log)
        for i, step in enumerate(cyc.steps):
            if step.end < step.start:
                _err(c, "profile.yml", ("cycles", k, "steps", i, "end"), f"{f}.steps[{i}].end",
                     "must not be before start", log=log)
        previous = cyc
    if p.committee.cross_appointed > min(p.committee.party_members, p.committee.residents_members):
        _err(c, "profile.yml", ("committee", "cross_appointed"), "committee.cross_appointed",
             "cannot exceed the smaller committee", log=log)
    if p.cadres.under_40 > p.cadres.total:
        _err(c, "profile.yml", ("cadres", "under_40"), "cadres.under_40", "cannot exceed cadres.total", log=log)
    if p.cadres.under_40_in_degree_study > p.cadres.under_40:
        _err(c, "profile.yml", ("cadres", "under_40_in_degree_study"), "cadres.under_40_in_degree_study",
             "cannot exceed cadres.under_40", log=log)
    _check_cadre_posts(c, log)
    for i, t in enumerate(p.cadres.trainings):
        if not _in_cycle(c, t.start):
            _err(c, "profile.yml", ("cadres", "trainings", i, "start"), f"cadres.trainings[{i}].start",
                 _outside(c, "date"), _cycle_hint(c), log=log)


def _check_cadre_posts(c: Community, log: ErrorLog) -> None:
    """One post per cadre (as many as cadres.total, none twice); a training names posts from that list."""
    cad = c.profile.cadres
    if len(cad.roles) != cad.total:
        _err(c, "profile.yml", ("cadres", "roles"), "cadres.roles",
             f"lists {len(cad.roles)} cadres, but cadres.total is {cad.total}", "list every cadre once, by post",
             log=log)
    for j, post in enumerate(cad.roles):
        if post in cad.roles[:j]:
            _err(c, "profile.yml", ("cadres", "roles", j), f"cadres.roles[{j}]", f"post '{post}' is listed twice",
                 "number cadres who share a post, e.g. 社区工作者1, 社区工作者2", log=log)
    for i, t in enumerate(cad.trainings):
        for k, who in enumerate(t.attended):
            path = ("cadres", "trainings", i, "attended", k)
            field = f"cadres.trainings[{i}].attended[{k}]"
            if who == ALL_CADRES and len(t.attended) > 1:
                _err(c, "profile.yml", path, field, f"{ALL_CADRES} (every cadre) cannot be combined with posts",
                     log=log)
            elif who != ALL_CADRES and who not in cad.roles:
                _err(c, "profile.yml", path, field, f"unknown post '{who}'",
                     "cadres.roles lists: " + ", ".join(cad.roles), log=log)
            elif who in t.attended[:k]:
                _err(c, "profile.yml", path, field, f"'{who}' is listed twice", log=log)


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _check_members(c: Community, log: ErrorLog) -> None:
    seen: set[str] = set()
    for i, m in enumerate(c.members.members):
        base = ("members", i)
        f = f"members[{i}]"
        if m.period in seen:
            _err(c, "members.yml", (*base, "period"), f"{f}.period", f"period {m.period} is listed twice", log=log)
        seen.add(m.period)
        total = m.self_managed + m.in_service + m.floating
        if m.total != total:
            _err(c, "members.yml", (*base, "total"), f"{f}.total",
                 f"counts do not add up: {m.self_managed} + {m.in_service} + {m.floating} = {total}, not {m.total}",
                 log=log)
        if m.relation_in_community > m.total:
            _err(c, "members.yml", (*base, "relation_in_community"), f"{f}.relation_in_community",
                 f"cannot exceed total ({m.total})", log=log)
        if m.participating > m.relation_in_community:
            _err(c, "members.yml", (*base, "participating"), f"{f}.participating",
                 f"participants ({m.participating}) cannot exceed members whose relation is in the community "
                 f"({m.relation_in_community})", log=log)
        if not _period_in_cycle(c, m.period):
            _err(c, "members.yml", (*base, "period"), f"{f}.period", _outside(c, "period"),
                 _cycle_hint(c), log=log)


def _check_pledges(c: Community, as_of: dt.date, log: ErrorLog) -> None:
    seen: set[str] = set()
    for i, p in enumerate(c.pledges.pledges):
        base: tuple[str | int, ...] = ("pledges", i)
        f = f"pledges[{i}]"
        if p.id in seen:
            _err(c, "pledges.yml", (*base, "id"), f"{f}.id", f"duplicate pledge id '{p.id}'", log=log)
        seen.add(p.id)
        if p.kind == "党员承诺" and p.member is None:
            _err(c, "pledges.yml", base, f"{f}.member", "a member pledge (党员承诺) needs member details",
                 "display_name, post and badge", log=log)
        if p.kind == "组织承诺" and p.member is not None:
            _err(c, "pledges.yml", (*base, "member"), f"{f}.member",
                 "an organisation pledge (组织承诺) has no member", log=log)
        for key, day in (("due", p.due), ("published_on", p.published_on)):
            if not _in_cycle(c, day):
                _err(c, "pledges.yml", (*base, key), f"{f}.{key}", _outside(c, "date"),
                     _cycle_hint(c), log=log)
        if p.due < p.published_on:
            _err(c, "pledges.yml", (*base, "due"), f"{f}.due", "due date is before the pledge was published",
                 log=log)
        for j, ms in enumerate(p.milestones):
            mpath = (*base, "milestones", j)
            mf = f"{f}.milestones[{j}]"
            if ms.date > p.due:
                _err(c, "pledges.yml", (*mpath, "date"), f"{mf}.date",
                     f"milestone is after the pledge's due date ({p.due})", log=log)
            if ms.status == "已完成" and ms.done_on is None:
                _err(c, "pledges.yml", mpath, f"{mf}.done_on", "a completed milestone needs done_on", log=log)
            if ms.status != "已完成" and ms.done_on is not None:
                _err(c, "pledges.yml", (*mpath, "done_on"), f"{mf}.done_on",
                     "done_on is set but status is not 已完成", log=log)
            if ms.done_on is not None and ms.done_on > as_of:
                _err(c, "pledges.yml", (*mpath, "done_on"), f"{mf}.done_on",
                     f"done_on is in the future (today is {as_of})", log=log)


def _counts_on(c: Community, day: dt.date) -> MemberCounts | None:
    """The member counts of the half-year that contains ``day``, if recorded."""
    for m in c.members.members:
        start, end = period_bounds(m.period)
        if start <= day <= end:
            return m
    return None


def _check_activities(c: Community, as_of: dt.date, log: ErrorLog) -> None:
    for i, a in enumerate(c.activities.activities):
        base: tuple[str | int, ...] = ("activities", i)
        f = f"activities[{i}]"
        if a.date > as_of:
            _err(c, "activities.yml", (*base, "date"), f"{f}.date",
                 f"activity date is in the future (today is {as_of})", "record activities after they happen",
                 log=log)
        elif not _in_cycle(c, a.date):
            _err(c, "activities.yml", (*base, "date"), f"{f}.date", _outside(c, "date"),
                 _cycle_hint(c), log=log)
        counts = _counts_on(c, a.date)
        total = counts.total if counts else None
        if total is not None and a.participants > total:
            _err(c, "activities.yml", (*base, "participants"), f"{f}.participants",
                 f"participants ({a.participants}) exceed the community's members ({total}) in that period",
                 "count Party members only", log=log)
        if a.in_service_participants is not None and a.in_service_participants > a.participants:
            _err(c, "activities.yml", (*base, "in_service_participants"), f"{f}.in_service_participants",
                 "cannot exceed participants", log=log)
        in_service = counts.in_service if counts else None
        if (a.in_service_participants is not None and in_service is not None
                and a.in_service_participants > in_service):
            _err(c, "activities.yml", (*base, "in_service_participants"), f"{f}.in_service_participants",
                 f"exceeds the in-service members registered in that period ({in_service})", log=log)


def _check_assessments(c: Community, as_of: dt.date, log: ErrorLog) -> None:
    a = c.assessments
    for i, s in enumerate(a.surveys):
        if s.satisfied > s.respondents:
            _err(c, "assessments.yml", ("surveys", i, "satisfied"), f"surveys[{i}].satisfied",
                 f"cannot exceed respondents ({s.respondents})", log=log)
        if not _in_cycle(c, s.date):
            _err(c, "assessments.yml", ("surveys", i, "date"), f"surveys[{i}].date",
                 _outside(c, "date"), _cycle_hint(c), log=log)
    for i, acc in enumerate(a.acceptance):
        start = period_bounds(acc.period)[0]
        if not _period_in_cycle(c, acc.period):
            _err(c, "assessments.yml", ("acceptance", i, "period"), f"acceptance[{i}].period",
                 _outside(c, "period"), _cycle_hint(c), log=log)
        if acc.date < start:
            _err(c, "assessments.yml", ("acceptance", i, "date"), f"acceptance[{i}].date",
                 f"acceptance cannot take place before its period starts ({start})", log=log)
        if acc.date > as_of:
            _err(c, "assessments.yml", ("acceptance", i, "date"), f"acceptance[{i}].date",
                 f"date is in the future (today is {as_of})", log=log)
    seen: set[str] = set()
    for i, r in enumerate(a.reports):
        if r.period in seen:
            _err(c, "assessments.yml", ("reports", i, "period"), f"reports[{i}].period",
                 f"period {r.period} is reported twice", log=log)
        seen.add(r.period)
        start = period_bounds(r.period)[0]
        if r.submitted_on < start:
            _err(c, "assessments.yml", ("reports", i, "submitted_on"), f"reports[{i}].submitted_on",
                 "a report cannot be submitted before its period starts", log=log)
        if r.submitted_on > as_of:
            _err(c, "assessments.yml", ("reports", i, "submitted_on"), f"reports[{i}].submitted_on",
                 f"date is in the future (today is {as_of})", log=log)
        if not _period_in_cycle(c, r.period):
            _err(c, "assessments.yml", ("reports", i, "period"), f"reports[{i}].period",
                 _outside(c, "period"), _cycle_hint(c), log=log)


def _check_brand_years(c: Community, log: ErrorLog) -> None:
    for i, b in enumerate(c.brands.brands):
        seen: set[int] = set()
        for j, y in enumerate(b.years):
            base: tuple[str | int, ...] = ("brands", i, "years", j)
            if y.year in seen:
                _err(c, "brands.yml", (*base, "year"), f"brands[{i}].years[{j}].year",
                     f"year {y.year} is listed twice", log=log)
            seen.add(y.year)
            for key, allowed in (("plan", {y.year}), ("midyear", {y.year}), ("yearend", {y.year, y.year + 1})):
                entry = getattr(y, key)
                if entry is not None and entry.date.year not in allowed:
                    _err(c, "brands.yml", (*base, key, "date"), f"brands[{i}].years[{j}].{key}.date",
                         f"date {entry.date} does not belong to year {y.year}", log=log)


def _check_images(d: District, c: Community, log: ErrorLog) -> None:
    folder = d.root.parent / c.rel_dir
    for i, b in enumerate(c.brands.brands):
        for j, img in enumerate(b.images):
            path = ("brands", i, "images", j, "file")
            target = (folder / img.file).resolve()
            if ".." in img.file.split("/") or not target.is_relative_to(folder.resolve()):
                _err(c, "brands.yml", path, f"brands[{i}].images[{j}].file",
                     "image must be inside the community's folder", log=log)
            elif not target.is_file():
                _err(c, "brands.yml", path, f"brands[{i}].images[{j}].file", f"image file not found: {img.file}",
                     f"put it in {c.rel_dir}/images/", log=log)


def check_published_images(d: District) -> ErrorLog:
    """Decode every published brand image, so ``check`` refuses what ``build`` would (drafts are not built)."""
    log = ErrorLog()
    for c in d.communities():
        folder = d.root.parent / c.rel_dir
        for b in c.brands.brands:
            for img in b.images:
                try:
                    check_decodes(folder / img.file)
                except ImageProblem as exc:
                    log.add(*locate(img, f"{c.rel_dir}/brands.yml", "file"), str(exc))
    return log


def _check_brand_ids(d: District, log: ErrorLog) -> None:
    owners: dict[str, list[tuple[Community, int, str]]] = defaultdict(list)
    for c in d.communities():
        for i, b in enumerate(c.brands.brands):
            owners[b.id].append((c, i, "id"))
            for j, old in enumerate(b.former_ids):
                owners[old].append((c, i, f"former_ids[{j}]"))
    for brand_id, uses in owners.items():
        for c, i, key in uses[1:]:
            first = uses[0][0]
            path: tuple[str | int, ...] = ("brands", i, "former_ids", int(key[11:-1])) if key != "id" else (
                "brands", i, "id")
            _err(c, "brands.yml", path, f"brands[{i}].{key}",
                 f"brand id '{brand_id}' is already used (in {first.key}); brand links must be unique", log=log)


def _check_district_refs(d: District, log: ErrorLog) -> None:
    keys = {c.key for c in d.communities()}
    brands = {b.id for c in d.communities() for b in c.brands.brands}
    file = "communities/district.yml"
    for c in d.communities():
        for b in c.brands.brands:
            for m in b.mentions:
                for j, key in enumerate(m.adopted_by):
                    if key not in keys:
                        log.add(*locate(m, f"{c.rel_dir}/brands.yml", "adopted_by", j), f"unknown community '{key}'")
                    elif key == c.key:
                        log.add(*locate(m, f"{c.rel_dir}/brands.yml", "adopted_by", j),
                                "a brand is adopted by other communities, not its own")
                if m.adopted_by and m.kind != "经验推广":
                    log.add(*locate(m, f"{c.rel_dir}/brands.yml", "adopted_by"),
                            "adopted_by belongs to a 经验推广 record", f"set kind: 经验推广 (now {m.kind})")
    for i, bid in enumerate(d.info.model_brands):
        if bid not in brands:
            log.add(*locate(d.info, file, "model_brands", i), f"unknown brand '{bid}'")
    seen: set[str] = set()
    for cm in d.info.commendations:
        if cm.id in seen:
            log.add(*locate(cm, file, "id"), f"duplicate commendation id '{cm.id}'")
        seen.add(cm.id)
        for j, key in enumerate(cm.communities):
            if key not in keys:
                log.add(*locate(cm, file, "communities", j), f"unknown community '{key}'")
        for j, bid in enumerate(cm.brands):
            if bid not in brands:
                log.add(*locate(cm, file, "brands", j), f"unknown brand '{bid}'")
