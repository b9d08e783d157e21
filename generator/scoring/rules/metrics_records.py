"""Metrics over record lists: trainings, pledges, brands, activities, surveys, members."""

from __future__ import annotations

from fractions import Fraction

from generator import urls
from generator.records.schema import Activity, Pledge, Record
from generator.scoring.rules.base import EvalContext, Evidence, Fact
from generator.scoring.rules.compare import fmt_number
from generator.scoring.rules.metrics import Types, metric, ratio, types_label, yes_no
from generator.scoring.rules.sources import board, evidence, file_of, score_page

MAX_LISTED = 8  # evidence entries listed per fact; the rest are summarised


def _cap(ev: list[Evidence], c_url: str, label: str) -> list[Evidence]:
    if len(ev) <= MAX_LISTED:
        return ev
    rest = len(ev) - MAX_LISTED
    last = ev[MAX_LISTED]
    return [*ev[:MAX_LISTED], Evidence(label, f"另有{rest}条", last.source, last.line, c_url)]


# --- trainings ---------------------------------------------------------------


@metric("cadre_training_days", "每名社区干部集中培训天数(考核年度累计)", "天")
def _cadre_training_days(ctx: EvalContext, _types: Types) -> Fact:
    """Each cadre's own days: a course counts only for the posts that attended it (``attended``)."""
    c = ctx.community
    cad = c.profile.cadres
    days = dict.fromkeys(cad.roles, Fraction(0))
    courses: list[Evidence] = []
    for t in cad.trainings:
        if ctx.window.contains(t.start):
            length = Fraction(str(t.days))
            who = cad.attendees(t)
            for post in who:
                days[post] += length
            attended = "全体社区干部" if t.everyone else "、".join(who)
            courses.append(evidence(c, "集中培训", f"{t.start.isoformat()} {t.title},{fmt_number(length)}天,"
                                    f"参加:{attended}", t, "profile.yml", board(c, "profile")))
    per_post = [evidence(c, f"社区干部·{post}", f"累计{fmt_number(d)}天", cad, "profile.yml", board(c, "profile"),
                         "roles", j) for j, (post, d) in enumerate(days.items())]
    least = min(days.values())
    label = "每名社区干部集中培训天数(考核年度累计)"
    return Fact("cadre_training_days", label, least, f"最少{fmt_number(least)}天", "天",
                per_post + _cap(courses, board(c, "profile"), "集中培训"),
                missing="" if courses else "考核年度内没有集中培训记录", per_unit=list(days.items()),
                units=("名", "社区干部"))


# --- pledges -----------------------------------------------------------------


def _pledges(ctx: EvalContext, kind: str | None = None) -> list[Pledge]:
    return [p for p in ctx.community.pledges.pledges
            if p.published_on <= ctx.window.end and (kind is None or p.kind == kind)]


def _pledge_ev(ctx: EvalContext, p: Pledge, value: str) -> Evidence:
    c = ctx.community
    return evidence(c, p.kind, value, p, "pledges.yml", board(c, urls.pledge_anchor(p.id)))


@metric("org_pledge_published", "发布组织承诺事项")
def _org_pledges(ctx: EvalContext, _types: Types) -> Fact:
    ps = _pledges(ctx, "组织承诺")
    ev = [_pledge_ev(ctx, p, f"{p.title}(经{'、'.join(p.published_via)}发布)") for p in ps]
    return yes_no("org_pledge_published", "发布组织承诺事项", bool(ps),
                  _cap(ev, board(ctx.community, "pledges"), "组织承诺"), missing="" if ps else "没有已公开的组织承诺")


@metric("org_pledge_board", "承诺事项在党务公开栏公示,接受居民监督")
def _org_board(ctx: EvalContext, _types: Types) -> Fact:
    ps = [p for p in _pledges(ctx, "组织承诺") if "公开栏" in p.published_via]
    ev = [_pledge_ev(ctx, p, f"{p.title}(公开栏公示)") for p in ps]
    return yes_no("org_pledge_board", "承诺事项在党务公开栏公示,接受居民监督", bool(ps),
                  _cap(ev, board(ctx.community, "pledges"), "组织承诺"))


@metric("member_pledge_published", "党员作出公开承诺")
def _member_pledges(ctx: EvalContext, _types: Types) -> Fact:
    ps = _pledges(ctx, "党员承诺")
    ev = [_pledge_ev(ctx, p, p.title) for p in ps]
    return yes_no("member_pledge_published", "党员作出公开承诺", bool(ps),
                  _cap(ev, board(ctx.community, "pledges"), "党员承诺"))


@metric("member_badge", "党员挂牌上岗")
def _badges(ctx: EvalContext, _types: Types) -> Fact:
    members = [(p, p.member) for p in _pledges(ctx, "党员承诺") if p.member is not None and p.member.badge]
    ps = [p for p, _ in members]
    ev = [_pledge_ev(ctx, p, f"{m.display_name}({m.post})挂牌上岗") for p, m in members]
    return yes_no("member_badge", "党员挂牌上岗", bool(ps), _cap(ev, board(ctx.community, "pledges"), "挂牌上岗"))


@metric("pledge_schedules", "每项承诺制定履诺进度表")
def _schedules(ctx: EvalContext, _types: Types) -> Fact:
    ps = _pledges(ctx)
    bare = [p for p in ps if not p.milestones]
    if bare:
        ev = [_pledge_ev(ctx, p, f"{p.title}:没有履诺进度表") for p in bare]
    else:
        ev = [_pledge_ev(ctx, p, f"{p.title}:进度表{len(p.milestones)}个节点") for p in ps]
    return yes_no("pledge_schedules", "每项承诺制定履诺进度表", bool(ps) and not bare,
                  _cap(ev, board(ctx.community, "pledges"), "承诺"), missing="" if ps else "没有已公开的承诺")


@metric("pledge_count", "已公开的承诺", "项")
def _pledge_count(ctx: EvalContext, _types: Types) -> Fact:
    ps = _pledges(ctx)
    org = sum(1 for p in ps if p.kind == "组织承诺")
    ev = [Evidence("公开承诺", f"组织承诺{org}项、党员承诺{len(ps) - org}项", file_of(ctx.community, "pledges.yml"), 0,
                   board(ctx.community, "pledges"))]
    return Fact("pledge_count", "已公开的承诺", len(ps), f"{len(ps)}项", "项", ev)


# --- brands ------------------------------------------------------------------


def _brand_ev(ctx: EvalContext, record: Record, label: str, value: str) -> Evidence:
    c = ctx.community
    return evidence(c, label, value, record, "brands.yml", board(c, "brands"))


@metric("brand_count", "党建工作品牌", "个")
def _brand_count(ctx: EvalContext, _types: Types) -> Fact:
    bs = [b for b in ctx.community.brands.brands if b.started <= ctx.window.end]
    ev = [_brand_ev(ctx, b, "党建品牌", f"{b.name}({b.started.isoformat()}起)") for b in bs]
    return Fact("brand_count", "党建工作品牌", len(bs), f"{len(bs)}个", "个", ev,
                missing="" if bs else "没有已公开的党建品牌")


@metric("brand_achievements", "品牌成效与宣传推广记录", "条")
def _achievements(ctx: EvalContext, _types: Types) -> Fact:
    ev = []
    for b in ctx.community.brands.brands:
        for a in b.achievements:
            if ctx.window.contains(a.date):
                ev.append(_brand_ev(ctx, a, f"{b.name}·成效", f"{a.date.isoformat()} {a.text}"))
        for m in b.mentions:
            if ctx.window.contains(m.date):
                ev.append(_brand_ev(ctx, m, f"{b.name}·{m.kind}", f"{m.date.isoformat()} {m.title}"))
    return Fact("brand_achievements", "品牌成效与宣传推广记录", len(ev), f"{len(ev)}条", "条",
                _cap(ev, board(ctx.community, "brands"), "品牌记录"))


# --- activities --------------------------------------------------------------


def activities(ctx: EvalContext, types: Types = None) -> list[Activity]:
    return sorted((a for a in ctx.community.activities.activities
                   if ctx.window.contains(a.date) and (not types or a.type in types)), key=lambda a: a.date)


def activity_ev(ctx: EvalContext, a: Activity, extra: str = "") -> Evidence:
    c = ctx.community
    return evidence(c, a.type, f"{a.date.isoformat()} {a.title}{extra}", a, "activities.yml", board(c, "activities"))


@metric("activity_held", "开展活动", takes_types=True)
def _held(ctx: EvalContext, types: Types) -> Fact:
    acts = activities(ctx, types)
    label = f"开展{types_label(types)}活动"
    return yes_no("activity_held", label, bool(acts),
                  _cap([activity_ev(ctx, a) for a in acts], board(ctx.community, "activities"), "活动"),
                  missing="" if acts else f"考核年度内没有{types_label(types)}活动记录")


@metric("activity_count", "活动次数(考核年度)", "次", takes_types=True)
def _count(ctx: EvalContext, types: Types) -> Fact:
    acts = activities(ctx, types)
    return Fact("activity_count", f"考核年度内{types_label(types)}次数", len(acts), f"{len(acts)}次", "次",
                _cap([activity_ev(ctx, a) for a in acts], board(ctx.community, "activities"), "活动"))


def _in_service(ctx: EvalContext) -> list[Activity]:
    return [a for a in activities(ctx) if (a.in_service_participants or 0) > 0]


@metric("in_service_activity", "在职党员参加社区公益活动有记录")
def _in_service_fact(ctx: EvalContext, _types: Types) -> Fact:
    acts = _in_service(ctx)
    ev = [activity_ev(ctx, a, f",在职党员{a.in_service_participants}人") for a in acts]
    return yes_no("in_service_activity", "在职党员参加社区公益活动有记录", bool(acts),
                  _cap(ev, board(ctx.community, "activities"), "活动"))


@metric("weekend_activity", "在职党员利用周末参加活动")
def _weekend(ctx: EvalContext, _types: Types) -> Fact:
    acts = [a for a in _in_service(ctx) if a.date.weekday() >= 5]
    ev = [activity_ev(ctx, a, f"(星期{'六日'[a.date.weekday() - 5]})") for a in acts]
    return yes_no("weekend_activity", "在职党员利用周末参加活动", bool(acts),
                  _cap(ev, board(ctx.community, "activities"), "活动"))


# --- surveys and members -----------------------------------------------------


@metric("satisfaction_rate", "群众满意率(考核年度内调查合计)", "%")
def _satisfaction(ctx: EvalContext, _types: Types) -> Fact:
    c = ctx.community
    num = den = 0
    ev = []
    for s in c.assessments.surveys:
        if ctx.window.contains(s.date):
            num += s.satisfied
            den += s.respondents
            ev.append(evidence(c, "满意度调查", f"{s.date.isoformat()} {s.topic}:{s.satisfied}/{s.respondents}人满意",
                               s, "assessments.yml", score_page(c, "surveys")))
    return ratio("satisfaction_rate", "群众满意率", num, den, ev, ("满意", "受访"),
                 missing="" if ev else "考核年度内没有满意度调查记录")


@metric("participation_rate", "组织关系在社区的党员参与率", "%")
def _participation(ctx: EvalContext, _types: Types) -> Fact:
    c = ctx.community
    m = ctx.members
    if m is None:
        return Fact("participation_rate", "组织关系在社区的党员参与率", None, "无记录", "%",
                    missing="没有该期或之前的党员统计(members.yml)")
    ev = [evidence(c, "党员统计", f"{m.period}:组织关系在社区{m.relation_in_community}人,参加活动{m.participating}人",
                   m, "members.yml", board(c, "profile"))]
    return ratio("participation_rate", "组织关系在社区的党员参与率", m.participating, m.relation_in_community, ev,
                 ("参与", "组织关系在社区"))


def _member_flag(name: str, label: str, test: str) -> None:
    @metric(name, label)
    def fn(ctx: EvalContext, _types: Types) -> Fact:
        m = ctx.members
        if m is None:
            return yes_no(name, label, False, [], missing="没有该期或之前的党员统计(members.yml)")
        value = (test in m.rosters) if test in ("自管", "在职", "流动") else getattr(m, test) > 0
        shown = ("已建立" if value else "未建立") if test in ("自管", "在职", "流动") else f"{getattr(m, test)}张"
        ev = [evidence(ctx.community, label, f"{m.period}:{shown}", m, "members.yml", board(ctx.community, "profile"))]
        return yes_no(name, label, value, ev)


_member_flag("roster_self_managed", "有自管党员花名册", "自管")
_member_flag("roster_in_service", "有在职党员花名册", "在职")
_member_flag("roster_floating", "有流动党员花名册", "流动")
_member_flag("inflow_cards", "有流入登记卡", "inflow_cards")
_member_flag("outflow_cards", "有流出登记卡", "outflow_cards")
