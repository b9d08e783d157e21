"""Stage 2: checks that span fields, files and communities.

Schema-level problems (types, unknown keys) are caught while loading; this
stage catches what only makes sense with the whole picture: duplicate ids,
dangling references, dates outside the cycle, counts that do not add up.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

from generator.errors import ErrorLog
from generator.messages import Msg, join, msg
from generator.records.cycles import cycle_at, cycle_of_period, cycles_hint, date_outside, period_outside
from generator.records.facts import check_changes
from generator.records.images import ImageProblem, check_decodes
from generator.records.model import Community, District
from generator.records.periods import period_bounds
from generator.records.schema import ALL_CADRES, EXPLAINED_STATUSES, MemberCounts, Pledge, locate


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


def _err(c: Community, file: str, path: tuple[str | int, ...], field: str, message: Msg,
         log: ErrorLog | None = None) -> None:
    assert log is not None
    where, line = c.sources.where(file, path)
    log.add(where, line, field, message)


def _in_cycle(c: Community, day: dt.date) -> bool:
    return cycle_at(c.profile.cycles, day) is not None


def _period_in_cycle(c: Community, period: str) -> bool:
    return cycle_of_period(c.profile.cycles, period) is not None


def _date_outside(c: Community) -> Msg:
    return date_outside(c.profile.cycles).with_hint(cycles_hint(c.profile.cycles))


def _period_outside(c: Community) -> Msg:
    return period_outside(c.profile.cycles).with_hint(cycles_hint(c.profile.cycles))


def _check_profile(c: Community, log: ErrorLog) -> None:
    p = c.profile
    previous = None
    for k, cyc in enumerate(p.cycles):
        f = f"cycles[{k}]"
        if cyc.end <= cyc.start:
            _err(c, "profile.yml", ("cycles", k, "end"), f"{f}.end", msg("validate.cycle_end_before_start"), log=log)
        elif cyc.end > _add_years(cyc.start, 2):
            _err(c, "profile.yml", ("cycles", k, "end"), f"{f}.end",
                 msg("validate.cycle_too_long", start=cyc.start, latest=_add_years(cyc.start, 2)), log=log)
        if previous is not None and cyc.start <= previous.end:
            _err(c, "profile.yml", ("cycles", k, "start"), f"{f}.start",
                 msg("validate.cycle_overlaps_previous", previous_end=previous.end), log=log)
        for i, step in enumerate(cyc.steps):
            if step.end < step.start:
                _err(c, "profile.yml", ("cycles", k, "steps", i, "end"), f"{f}.steps[{i}].end",
                     msg("validate.step_end_before_start"), log=log)
        previous = cyc
    if p.committee.cross_appointed > min(p.committee.party_members, p.committee.residents_members):
        _err(c, "profile.yml", ("committee", "cross_appointed"), "committee.cross_appointed",
             msg("validate.cross_appointed_too_many"), log=log)
    if p.cadres.under_40 > p.cadres.total:
        _err(c, "profile.yml", ("cadres", "under_40"), "cadres.under_40", msg("validate.under_40_exceeds_total"),
             log=log)
    if p.cadres.under_40_in_degree_study > p.cadres.under_40:
        _err(c, "profile.yml", ("cadres", "under_40_in_degree_study"), "cadres.under_40_in_degree_study",
             msg("validate.degree_study_exceeds_under_40"), log=log)
    _check_cadre_posts(c, log)
    for i, t in enumerate(p.cadres.trainings):
        if not _in_cycle(c, t.start):
            _err(c, "profile.yml", ("cadres", "trainings", i, "start"), f"cadres.trainings[{i}].start",
                 _date_outside(c), log=log)


def _check_cadre_posts(c: Community, log: ErrorLog) -> None:
    """One post per cadre (as many as cadres.total, none twice); a training names posts from that list."""
    cad = c.profile.cadres
    if len(cad.roles) != cad.total:
        _err(c, "profile.yml", ("cadres", "roles"), "cadres.roles",
             msg("validate.roles_count", listed=len(cad.roles), total=cad.total), log=log)
    for j, post in enumerate(cad.roles):
        if post in cad.roles[:j]:
            _err(c, "profile.yml", ("cadres", "roles", j), f"cadres.roles[{j}]", msg("validate.post_twice", post=post),
                 log=log)
    for i, t in enumerate(cad.trainings):
        for k, who in enumerate(t.attended):
            path = ("cadres", "trainings", i, "attended", k)
            field = f"cadres.trainings[{i}].attended[{k}]"
            if who == ALL_CADRES and len(t.attended) > 1:
                _err(c, "profile.yml", path, field, msg("validate.all_cadres_with_posts", all=ALL_CADRES), log=log)
            elif who != ALL_CADRES and who not in cad.roles:
                _err(c, "profile.yml", path, field, msg("validate.unknown_post", post=who, roles=join(cad.roles)),
                     log=log)
            elif who in t.attended[:k]:
                _err(c, "profile.yml", path, field, msg("validate.attended_twice", who=who), log=log)


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
            _err(c, "members.yml", (*base, "period"), f"{f}.period", msg("validate.period_twice", period=m.period),
                 log=log)
        seen.add(m.period)
        total = m.self_managed + m.in_service + m.floating
        if m.total != total:
            _err(c, "members.yml", (*base, "total"), f"{f}.total",
                 msg("validate.member_counts_do_not_add_up", self_managed=m.self_managed, in_service=m.in_service,
                     floating=m.floating, sum=total, total=m.total), log=log)
        if m.relation_in_community > m.total:
            _err(c, "members.yml", (*base, "relation_in_community"), f"{f}.relation_in_community",
                 msg("validate.relation_exceeds_total", total=m.total), log=log)
        if m.participating > m.relation_in_community:
            _err(c, "members.yml", (*base, "participating"), f"{f}.participating",
                 msg("validate.participating_exceeds_relation", participating=m.participating,
                     relation=m.relation_in_community), log=log)
        if not _period_in_cycle(c, m.period):
            _err(c, "members.yml", (*base, "period"), f"{f}.period", _period_outside(c), log=log)


def _check_pledges(c: Community, as_of: dt.date, log: ErrorLog) -> None:
    seen: set[str] = set()
    for i, p in enumerate(c.pledges.pledges):
        base: tuple[str | int, ...] = ("pledges", i)
        f = f"pledges[{i}]"
        if p.id in seen:
            _err(c, "pledges.yml", (*base, "id"), f"{f}.id", msg("validate.duplicate_pledge_id", id=p.id), log=log)
        seen.add(p.id)
        if p.kind == "党员承诺" and p.member is None:
            _err(c, "pledges.yml", base, f"{f}.member", msg("validate.member_pledge_needs_member"), log=log)
        if p.kind == "组织承诺" and p.member is not None:
            _err(c, "pledges.yml", (*base, "member"), f"{f}.member", msg("validate.org_pledge_has_member"), log=log)
        for key, day in (("due", p.due), ("published_on", p.published_on)):
            if not _in_cycle(c, day):
                _err(c, "pledges.yml", (*base, key), f"{f}.{key}", _date_outside(c), log=log)
        if p.due < p.published_on:
            _err(c, "pledges.yml", (*base, "due"), f"{f}.due", msg("validate.due_before_published"), log=log)
        for j, ms in enumerate(p.milestones):
            mpath = (*base, "milestones", j)
            mf = f"{f}.milestones[{j}]"
            if ms.date > p.due:
                _err(c, "pledges.yml", (*mpath, "date"), f"{mf}.date", msg("validate.milestone_after_due", due=p.due),
                     log=log)
            if ms.status == "已完成" and ms.done_on is None:
                _err(c, "pledges.yml", mpath, f"{mf}.done_on", msg("validate.done_milestone_needs_done_on"), log=log)
            if ms.status != "已完成" and ms.done_on is not None:
                _err(c, "pledges.yml", (*mpath, "done_on"), f"{mf}.done_on", msg("validate.done_on_but_not_done"),
                     log=log)
            if ms.done_on is not None and ms.done_on > as_of:
                _err(c, "pledges.yml", (*mpath, "done_on"), f"{mf}.done_on",
                     msg("validate.done_on_in_future", today=as_of), log=log)
        _check_updates(c, p, base, f, as_of, log)


def _check_updates(c: Community, p: Pledge, base: tuple[str | int, ...], f: str, as_of: dt.date,
                   log: ErrorLog) -> None:
    """Status changes: dated in order between publication and today, explained where residents are owed a reason,
    and not contradicting the milestones."""
    previous: dt.date | None = None
    open_milestones = [m for m in p.milestones if m.status != "已完成"]
    for j, u in enumerate(p.updates):
        upath = (*base, "updates", j)
        uf = f"{f}.updates[{j}]"
        if u.date < p.published_on:
            _err(c, "pledges.yml", (*upath, "date"), f"{uf}.date",
                 msg("validate.update_before_published", published_on=p.published_on), log=log)
        if u.date > as_of:
            _err(c, "pledges.yml", (*upath, "date"), f"{uf}.date", msg("validate.update_in_future", today=as_of),
                 log=log)
        if previous is not None and u.date < previous:
            _err(c, "pledges.yml", (*upath, "date"), f"{uf}.date",
                 msg("validate.updates_out_of_order", previous=previous), log=log)
        previous = u.date
        if u.status in EXPLAINED_STATUSES and u.explanation is None:
            _err(c, "pledges.yml", upath, f"{uf}.explanation",
                 msg("validate.update_needs_explanation", status=u.status), log=log)
        if u.status == "已完成" and open_milestones:
            _err(c, "pledges.yml", (*upath, "status"), f"{uf}.status",
                 msg("validate.update_done_milestones_open", milestone=open_milestones[0].title), log=log)
    applied = [j for j, u in enumerate(p.updates) if u.date <= as_of]
    last = p.updates[applied[-1]] if applied else None
    if last is not None and p.milestones and not open_milestones and last.status in EXPLAINED_STATUSES:
        j = applied[-1]
        _err(c, "pledges.yml", (*base, "updates", j, "status"), f"{f}.updates[{j}].status",
             msg("validate.update_contradicts_milestones", status=last.status), log=log)


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
            _err(c, "activities.yml", (*base, "date"), f"{f}.date", msg("validate.activity_in_future", today=as_of),
                 log=log)
        elif not _in_cycle(c, a.date):
            _err(c, "activities.yml", (*base, "date"), f"{f}.date", _date_outside(c), log=log)
        counts = _counts_on(c, a.date)
        total = counts.total if counts else None
        if total is not None and a.participants > total:
            _err(c, "activities.yml", (*base, "participants"), f"{f}.participants",
                 msg("validate.participants_exceed_members", participants=a.participants, total=total), log=log)
        if a.in_service_participants is not None and a.in_service_participants > a.participants:
            _err(c, "activities.yml", (*base, "in_service_participants"), f"{f}.in_service_participants",
                 msg("validate.in_service_exceeds_participants"), log=log)
        in_service = counts.in_service if counts else None
        if (a.in_service_participants is not None and in_service is not None
                and a.in_service_participants > in_service):
            _err(c, "activities.yml", (*base, "in_service_participants"), f"{f}.in_service_participants",
                 msg("validate.in_service_exceeds_registered", in_service=in_service), log=log)


def _check_assessments(c: Community, as_of: dt.date, log: ErrorLog) -> None:
    a = c.assessments
    for i, s in enumerate(a.surveys):
        if s.satisfied > s.respondents:
            _err(c, "assessments.yml", ("surveys", i, "satisfied"), f"surveys[{i}].satisfied",
                 msg("validate.satisfied_exceeds_respondents", respondents=s.respondents), log=log)
        if not _in_cycle(c, s.date):
            _err(c, "assessments.yml", ("surveys", i, "date"), f"surveys[{i}].date", _date_outside(c), log=log)
    for i, acc in enumerate(a.acceptance):
        start = period_bounds(acc.period)[0]
        if not _period_in_cycle(c, acc.period):
            _err(c, "assessments.yml", ("acceptance", i, "period"), f"acceptance[{i}].period", _period_outside(c),
                 log=log)
        if acc.date < start:
            _err(c, "assessments.yml", ("acceptance", i, "date"), f"acceptance[{i}].date",
                 msg("validate.acceptance_before_period", start=start), log=log)
        if acc.date > as_of:
            _err(c, "assessments.yml", ("acceptance", i, "date"), f"acceptance[{i}].date",
                 msg("validate.date_in_future", today=as_of), log=log)
    seen: set[str] = set()
    for i, r in enumerate(a.reports):
        if r.period in seen:
            _err(c, "assessments.yml", ("reports", i, "period"), f"reports[{i}].period",
                 msg("validate.period_reported_twice", period=r.period), log=log)
        seen.add(r.period)
        start = period_bounds(r.period)[0]
        if r.submitted_on < start:
            _err(c, "assessments.yml", ("reports", i, "submitted_on"), f"reports[{i}].submitted_on",
                 msg("validate.report_before_period"), log=log)
        if r.submitted_on > as_of:
            _err(c, "assessments.yml", ("reports", i, "submitted_on"), f"reports[{i}].submitted_on",
                 msg("validate.date_in_future", today=as_of), log=log)
        if not _period_in_cycle(c, r.period):
            _err(c, "assessments.yml", ("reports", i, "period"), f"reports[{i}].period", _period_outside(c), log=log)


def _check_brand_years(c: Community, log: ErrorLog) -> None:
    for i, b in enumerate(c.brands.brands):
        seen: set[int] = set()
        for j, y in enumerate(b.years):
            base: tuple[str | int, ...] = ("brands", i, "years", j)
            if y.year in seen:
                _err(c, "brands.yml", (*base, "year"), f"brands[{i}].years[{j}].year",
                     msg("validate.year_twice", year=y.year), log=log)
            seen.add(y.year)
            for key, allowed in (("plan", {y.year}), ("midyear", {y.year}), ("yearend", {y.year, y.year + 1})):
                entry = getattr(y, key)
                if entry is not None and entry.date.year not in allowed:
                    _err(c, "brands.yml", (*base, key, "date"), f"brands[{i}].years[{j}].{key}.date",
                         msg("validate.date_not_in_year", date=entry.date, year=y.year), log=log)


def _check_images(d: District, c: Community, log: ErrorLog) -> None:
    folder = d.root.parent / c.rel_dir
    for i, b in enumerate(c.brands.brands):
        for j, img in enumerate(b.images):
            path = ("brands", i, "images", j, "file")
            target = (folder / img.file).resolve()
            if ".." in img.file.split("/") or not target.is_relative_to(folder.resolve()):
                _err(c, "brands.yml", path, f"brands[{i}].images[{j}].file",
                     msg("validate.image_outside_folder"), log=log)
            elif (folder / img.file).is_symlink():
                _err(c, "brands.yml", path, f"brands[{i}].images[{j}].file", msg("validate.image_symlink"), log=log)
            elif not target.is_file():
                _err(c, "brands.yml", path, f"brands[{i}].images[{j}].file",
                     msg("validate.image_not_found", file=img.file, folder=c.rel_dir), log=log)


def check_published_images(d: District, decoded: set[tuple[str, int, int, int]] | None = None) -> ErrorLog:
    """Decode every published brand image, so ``check`` refuses what ``build`` would (drafts are not built).

    ``decoded`` (``dangjian serve``) holds the files that decoded before, by path, inode, size and
    modification time: one of them is not decoded again until it changes.  Failures are never kept."""
    log = ErrorLog()
    for c in d.communities():
        folder = d.root.parent / c.rel_dir
        for b in c.brands.brands:
            for img in b.images:
                file = folder / img.file
                stamp = _stamp(file) if decoded is not None else None
                if decoded is not None and stamp in decoded:
                    continue
                try:
                    check_decodes(file)
                except ImageProblem as exc:
                    log.add(*locate(img, f"{c.rel_dir}/brands.yml", "file"), exc.message)
                else:
                    if stamp is not None and decoded is not None:
                        decoded.add(stamp)
    return log


def _stamp(file: Path) -> tuple[str, int, int, int] | None:
    try:
        st = file.stat()
    except OSError:
        return None
    return str(file), st.st_ino, st.st_size, st.st_mtime_ns


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
                 msg("validate.brand_id_taken", id=brand_id, community=first.key), log=log)


def _check_district_refs(d: District, log: ErrorLog) -> None:
    keys = {c.key for c in d.communities()}
    brands = {b.id for c in d.communities() for b in c.brands.brands}
    file = "communities/district.yml"
    for c in d.communities():
        for b in c.brands.brands:
            for m in b.mentions:
                for j, key in enumerate(m.adopted_by):
                    if key not in keys:
                        log.add(*locate(m, f"{c.rel_dir}/brands.yml", "adopted_by", j),
                                msg("validate.unknown_community", community=key))
                    elif key == c.key:
                        log.add(*locate(m, f"{c.rel_dir}/brands.yml", "adopted_by", j), msg("validate.adopted_by_own"))
                if m.adopted_by and m.kind != "经验推广":
                    log.add(*locate(m, f"{c.rel_dir}/brands.yml", "adopted_by"),
                            msg("validate.adopted_by_needs_kind", kind=m.kind))
    for i, bid in enumerate(d.info.model_brands):
        if bid not in brands:
            log.add(*locate(d.info, file, "model_brands", i), msg("validate.unknown_brand", id=bid))
    seen: set[str] = set()
    for cm in d.info.commendations:
        if cm.id in seen:
            log.add(*locate(cm, file, "id"), msg("validate.duplicate_commendation", id=cm.id))
        seen.add(cm.id)
        for j, key in enumerate(cm.communities):
            if key not in keys:
                log.add(*locate(cm, file, "communities", j), msg("validate.unknown_community", community=key))
        for j, bid in enumerate(cm.brands):
            if bid not in brands:
                log.add(*locate(cm, file, "brands", j), msg("validate.unknown_brand", id=bid))
