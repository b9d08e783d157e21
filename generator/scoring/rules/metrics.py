"""Metrics: facts computed from a community's published records.

Each metric has a name the rubric refers to, a plain-Chinese label, a unit
(``""`` for yes/no facts, ``"%"`` for ratios) and a function returning a
:class:`Fact` with its evidence.  Record-list metrics live in
``metrics_records``; this module holds the registry and the profile facts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from generator.scoring.rules.base import EvalContext, Evidence, Fact
from generator.scoring.rules.compare import fmt_percent
from generator.scoring.rules.sources import board, evidence

Types = Sequence[str] | None
Compute = Callable[[EvalContext, Types], Fact]


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    unit: str  # "" yes/no, "%" ratio, or a counting unit such as 天, 次, 个, 人
    compute: Compute
    takes_types: bool = False

    @property
    def boolean(self) -> bool:
        return self.unit == ""


METRICS: dict[str, Metric] = {}


def metric(name: str, label: str, unit: str = "", takes_types: bool = False) -> Callable[[Compute], Compute]:
    def register(fn: Compute) -> Compute:
        METRICS[name] = Metric(name, label, unit, fn, takes_types)
        return fn
    return register


def compute(name: str, ctx: EvalContext, types: Types = None, label: str | None = None) -> Fact:
    fact = METRICS[name].compute(ctx, types)
    if label:
        fact.label = label
    return fact


def types_label(types: Types) -> str:
    return "、".join(types or ())


def yes_no(name: str, label: str, value: bool, ev: list[Evidence], applicable: bool = True,
           missing: str = "") -> Fact:
    return Fact(name, label, value, "是" if value else "否", "", ev, applicable, missing=missing)


def ratio(name: str, label: str, num: int, den: int, ev: list[Evidence], what: tuple[str, str],
          missing: str = "") -> Fact:
    if den <= 0:
        return Fact(name, label, None, "无法计算", "%", ev, numerator=num, denominator=den,
                    missing=missing or f"{what[1]}为0,无法计算比例")
    value = Fraction(num, den)
    display = f"{fmt_percent(value)}({what[0]}{num}人/{what[1]}{den}人)"
    return Fact(name, label, value, display, "%", ev, numerator=num, denominator=den)


def _flag(name: str, label: str, attr: Callable[[EvalContext], bool], path: tuple[str, ...],
          shown: Callable[[EvalContext], str] | None = None) -> None:
    """Register a yes/no fact read from one profile field."""
    def fn(ctx: EvalContext, _types: Types) -> Fact:
        c = ctx.community
        value = attr(ctx)
        text = shown(ctx) if shown else ("是" if value else "否")
        ev = [evidence(c, label, text, c.profile, "profile.yml", board(c, "profile"), *path)]
        return yes_no(name, label, value, ev)
    METRICS[name] = Metric(name, label, "", fn)


COLLEGE = ("研究生", "本科", "大专")

_flag("secretary_college", "书记具有大专及以上学历",
      lambda x: x.community.profile.secretary.education in COLLEGE, ("secretary", "education"),
      lambda x: f"学历:{x.community.profile.secretary.education}")
_flag("secretary_certificate", "书记持有社会工作者职业水平证书",
      lambda x: x.community.profile.secretary.social_work_certificate, ("secretary", "social_work_certificate"))
_flag("secretary_director", "书记、居委会主任“一肩挑”",
      lambda x: x.community.profile.secretary.also_director, ("secretary", "also_director"))
_flag("big_committee", "探索实施街道“大工委制”",
      lambda x: x.community.profile.network.big_committee, ("network", "big_committee"))
_flag("joint_committee", "建立“1+3”组织网络联席委员会制度",
      lambda x: x.community.profile.network.joint_committee, ("network", "joint_committee"))
_flag("property_in_leadership", "业委会主任或物业企业负责人进入社区党组织班子",
      lambda x: x.community.profile.property.owners_committee_in_leadership
      or x.community.profile.property.property_manager_in_leadership, ("property",))
_flag("property_by_election", "通过选举进入社区党组织班子",
      lambda x: (x.community.profile.property.owners_committee_in_leadership
                 or x.community.profile.property.property_manager_in_leadership)
      and x.community.profile.property.by_election, ("property", "by_election"))
_flag("liaison_established", "建立党建工作联络员制度",
      lambda x: x.community.profile.liaison.established and x.community.profile.liaison.liaisons > 0,
      ("liaison", "established"),
      lambda x: ("已建立" if x.community.profile.liaison.established else "未建立")
      + f",联络员{x.community.profile.liaison.liaisons}名")

def _coverage(key: str, cover: str) -> None:
    _flag(f"liaison_{key}", f"党的工作渗透到“{cover}”",
          lambda x: cover in x.community.profile.liaison.coverage, ("liaison", "coverage"),
          lambda x: "覆盖:" + ("、".join(x.community.profile.liaison.coverage) or "无"))


def _unit(key: str, kind: str, name: str) -> None:
    _flag(f"network_{key}", f"“1+3”组织网络含{name}",
          lambda x: any(u.kind == kind for u in x.community.profile.network.units), ("network", "units"),
          lambda x: "、".join(u.name for u in x.community.profile.network.units if u.kind == kind) or "无")


for _key, _cover in (("estate", "小区"), ("building", "楼栋"), ("family", "家庭"), ("two_new", "两新组织")):
    _coverage(_key, _cover)
for _key, _kind, _name in (("community", "社区党组织", "社区党组织"), ("two_new", "两新组织", "“两新”组织党组织"),
                          ("resident_unit", "驻区单位", "驻区单位党组织")):
    _unit(_key, _kind, _name)


@metric("cross_appointment_ratio", "两委班子交叉任职比例", "%")
def _cross(ctx: EvalContext, _types: Types) -> Fact:
    c = ctx.community
    cm = c.profile.committee
    members = cm.party_members + cm.residents_members - cm.cross_appointed
    ev = [evidence(c, "两委班子", f"党组织委员{cm.party_members}人、居委会委员{cm.residents_members}人、"
                   f"交叉任职{cm.cross_appointed}人", c.profile, "profile.yml", board(c, "profile"), "committee")]
    return ratio("cross_appointment_ratio", "两委班子交叉任职比例", cm.cross_appointed, members, ev,
                 ("交叉任职", "两委成员"))


@metric("under_40", "40周岁以下社区干部", "人")
def _under_40(ctx: EvalContext, _types: Types) -> Fact:
    c = ctx.community
    cad = c.profile.cadres
    ev = [evidence(c, "社区干部", f"共{cad.total}人,40周岁以下{cad.under_40}人", cad, "profile.yml",
                   board(c, "profile"), "under_40")]
    return Fact("under_40", "40周岁以下社区干部", cad.under_40, f"{cad.under_40}人", "人", ev)


@metric("under_40_in_degree_study", "40周岁以下干部参加本科以上学历教育", "人")
def _degree(ctx: EvalContext, _types: Types) -> Fact:
    c = ctx.community
    cad = c.profile.cadres
    ev = [evidence(c, "参加本科以上学历教育", f"{cad.under_40_in_degree_study}人(40周岁以下共{cad.under_40}人)",
                   cad, "profile.yml", board(c, "profile"), "under_40_in_degree_study")]
    return Fact("under_40_in_degree_study", "40周岁以下干部参加本科以上学历教育", cad.under_40_in_degree_study,
                f"{cad.under_40_in_degree_study}人", "人", ev)


@metric("degree_study", "有40周岁以下干部参加本科以上学历教育")
def _degree_study(ctx: EvalContext, _types: Types) -> Fact:
    c = ctx.community
    cad = c.profile.cadres
    label = "有40周岁以下干部参加本科以上学历教育"
    value = f"{cad.under_40}人,其中参加本科以上学历教育{cad.under_40_in_degree_study}人"
    ev = [evidence(c, "40周岁以下社区干部", value, cad, "profile.yml", board(c, "profile"), "under_40_in_degree_study")]
    if cad.under_40 == 0:
        return yes_no("degree_study", label, False, ev, applicable=False, missing="没有40周岁以下社区干部")
    return yes_no("degree_study", label, cad.under_40_in_degree_study > 0, ev)


@metric("service_posts_set", "设置在职党员服务岗位")
def _posts(ctx: EvalContext, _types: Types) -> Fact:
    c = ctx.community
    posts = c.profile.service_posts
    ev = [evidence(c, "服务岗位", p.name, p, "profile.yml", board(c, "profile")) for p in posts]
    return yes_no("service_posts_set", "设置在职党员服务岗位", bool(posts), ev,
                  missing="" if posts else "profile.yml 未列出服务岗位")


@metric("service_posts_described", "服务岗位明确服务内容")
def _described(ctx: EvalContext, _types: Types) -> Fact:
    c = ctx.community
    posts = c.profile.service_posts
    bare = [p for p in posts if not p.description]
    ev = [evidence(c, "未写明服务内容的岗位", p.name, p, "profile.yml", board(c, "profile")) for p in bare]
    if not bare and posts:
        ev = [evidence(c, "服务岗位", f"{len(posts)}个,均写明服务内容", c.profile, "profile.yml",
                       board(c, "profile"), "service_posts")]
    return yes_no("service_posts_described", "服务岗位明确服务内容", bool(posts) and not bare, ev)


# Record-list metrics register themselves on import.
