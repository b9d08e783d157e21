"""The record format: one pydantic model per YAML file kind.

Models are strict (no silent coercion) and forbid unknown keys, so a typo such
as ``satisfation`` is reported.  Member data is aggregate counts only: there is
deliberately no field for a person's phone, ID number or home address.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    StringConstraints,
    model_validator,
)

from generator.messages import RuleError, msg
from generator.records.provenance import Record as Record
from generator.records.provenance import Source as Source
from generator.records.provenance import attach_sources as attach_sources
from generator.records.provenance import locate as locate


def _one_line(value: str) -> str:
    if "\n" in value or "\r" in value or "\u2028" in value or "\u2029" in value:
        raise RuleError(msg("schema.one_line"))
    return value


# A single line of plain text (names, titles, targets): shown exactly as written, never as Markdown.
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500), AfterValidator(_one_line)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20000)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=64)]
Count = Annotated[int, Field(ge=0, le=1_000_000)]
Period = Annotated[str, StringConstraints(pattern=r"^20[0-9]{2}-H[12]$")]

Education = Literal["研究生", "本科", "大专", "中专", "高中", "初中及以下"]
OrgType = Literal["社区党委", "社区党总支", "社区党支部"]
Channel = Literal["会议", "文件", "公开栏"]
MilestoneStatus = Literal["未开始", "进行中", "已完成"]
# A dated change of a pledge's state: 进行中 resumes, 停滞 stalls, the last three close it.
UpdateStatus = Literal["进行中", "停滞", "部分完成", "未兑现", "已完成"]
EXPLAINED_STATUSES = ("停滞", "部分完成", "未兑现")  # residents are told why, in public
UnitKind = Literal["社区党组织", "两新组织", "驻区单位"]
Coverage = Literal["小区", "楼栋", "家庭", "两新组织"]
RosterKind = Literal["自管", "在职", "流动"]
ActivityType = Literal[
    "集中服务", "在职党员进社区", "特色党员活动日", "服务在社区", "温暖在社区", "奉献在社区",
    "党员责任区", "党员为民服务日", "公益活动", "结对帮扶", "走访慰问",
    "三会一课", "民主生活会", "民主评议", "学习教育", "协调会", "现场观摩",
]


class Publication(Record):
    """发布状态: only approved, public records are published (提出—审核—审批—公开)."""

    state: Literal["draft", "approved"] = Field(description="draft 草稿 / approved 已审批")
    approved_by: Text | None = Field(None, description="审批单位或职务, e.g. 城南街道党工委")
    approved_on: dt.date | None = Field(None, description="审批日期")
    scope: Literal["public", "internal"] = Field("public", description="public 公开 / internal 内部")

    @model_validator(mode="after")
    def _approval_complete(self) -> Publication:
        if self.state == "approved" and (self.approved_by is None or self.approved_on is None):
            raise RuleError(msg("schema.approval_incomplete"))
        return self


# --- district and town ------------------------------------------------------


class Commendation(Record):
    id: Slug
    title: Text = Field(description="表彰名称")
    document_no: Text = Field(description="文号, e.g. 青组通〔2026〕8号")
    date: dt.date
    communities: list[Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+/[a-z0-9-]+$")]] = Field(
        default_factory=list, description="<town-id>/<community-id>")
    brands: list[Slug] = Field(default_factory=list)
    reason: Text
    publication: Publication | None = None


class DistrictFile(Record):
    """communities/district.yml: facts the district department owns."""

    name: Text = Field(description="区名")
    department: Text = Field(description="主管部门, e.g. 区委组织部")
    model_brands: list[Slug] = Field(default_factory=list, description="示范品牌 (由区委组织部认定)")
    commendations: list[Commendation] = Field(default_factory=list)
    publication: Publication | None = None


class TownFile(Record):
    """communities/<town-id>/town.yml."""

    name: Text
    kind: Literal["镇", "街道"]
    summary: Text | None = None
    publication: Publication | None = None


# --- community profile -------------------------------------------------------


class Secretary(Record):
    name: Text = Field(description="社区党组织书记姓名")
    education: Education
    social_work_certificate: bool = Field(description="持有国家《社会工作者职业水平证书》")
    also_director: bool = Field(description="兼任居委会主任 (一肩挑)")


class Committee(Record):
    """两委班子."""

    party_members: Count = Field(description="社区党组织委员人数")
    residents_members: Count = Field(description="居委会委员人数")
    cross_appointed: Count = Field(description="交叉任职人数 (同时在两委任职); 交叉任职比例 = 本数 ÷ 两委成员去重总数")


# A cadre is listed by post (岗位), never by name: an entry ends with a post word, and cadres who share a
# post are numbered (社区工作者1, 社区工作者2).  ``全体`` in a training's ``attended`` means every cadre.
CADRE_POST_PATTERN = r"^[\u4e00-\u9fff]{0,10}(书记|主任|委员|社工|工作者|网格员|专干|干事|助理)([1-9][0-9]?)?$"
ALL_CADRES = "全体"
ATTENDED_PATTERN = rf"^({ALL_CADRES}|{CADRE_POST_PATTERN[1:-1]})$"
CadrePost = Annotated[str, StringConstraints(strip_whitespace=True, pattern=CADRE_POST_PATTERN)]
Attendee = Annotated[str, StringConstraints(strip_whitespace=True, pattern=ATTENDED_PATTERN)]


def _one_or_list(value: object) -> object:
    """``attended: 全体`` (or a single post) is written without brackets."""
    return [value] if isinstance(value, str) else value


class Training(Record):
    """一次集中培训. ``attended`` is required: there is deliberately no default, because a default of
    everyone would credit every cadre with a course only the secretary attended."""

    title: Text
    start: dt.date
    days: Annotated[float, Field(gt=0, le=60)] = Field(description="集中培训天数 (可为 0.5)")
    organiser: Text | None = None
    attended: Annotated[list[Attendee], BeforeValidator(_one_or_list)] = Field(
        min_length=1, description="参加培训的社区干部: cadres.roles 中的岗位列表, 如 [书记, 社区工作者2]; "
        "全体参加写 全体。只有参加的干部计入培训天数; 必填, 没有默认值")

    @property
    def everyone(self) -> bool:
        return ALL_CADRES in self.attended


class Cadres(Record):
    """社区干部: counted, and listed by post (never by name) so that training days add up per cadre."""

    total: Count
    under_40: Count = Field(description="40周岁以下人数")
    under_40_in_degree_study: Count = Field(description="其中参加本科以上学历教育人数")
    roles: list[CadrePost] = Field(
        min_length=1, description="每名社区干部一项, 写岗位不写姓名, 如 [书记, 副书记, 居委会主任, 委员, "
        "社区工作者1, 社区工作者2]; 同一岗位有多人时加序号; 项数须等于 total")
    trainings: list[Training] = Field(default_factory=list, description="集中培训; 每次写明参加的岗位 (attended)")

    def attendees(self, training: Training) -> list[str]:
        """The cadres (posts) who attended ``training``, in the order of ``roles``."""
        return list(self.roles) if training.everyone else [r for r in self.roles if r in training.attended]


class NetworkUnit(Record):
    name: Text
    kind: UnitKind


class Network(Record):
    """"1+3" 组织网络."""

    street_committee: Text = Field(description='"1": 街道(镇)党工委')
    big_committee: bool = Field(description='实施街道"大工委制"')
    joint_committee: bool = Field(description="建立联席委员会制度")
    units: list[NetworkUnit] = Field(default_factory=list)


class Property(Record):
    """物业党建联建."""

    owners_committee_in_leadership: bool = Field(description="业委会主任进入社区党组织班子")
    property_manager_in_leadership: bool = Field(description="物业企业负责人进入社区党组织班子")
    by_election: bool = Field(description="通过选举进入")


class Liaison(Record):
    """党建工作联络员制度."""

    established: bool
    liaisons: Count
    coverage: list[Coverage] = Field(default_factory=list)


class ServicePost(Record):
    name: Text
    description: Text | None = None


class Step(Record):
    title: Text
    start: dt.date
    end: dt.date
    done_on: dt.date | None = Field(None, description="完成日期 (写上后显示为已完成)")


class Cycle(Record):
    """一个两年项目周期与它的立项计划; 周期一个接一个, 往期保留.

    The dates are part of the profile (they decide which cycle a record belongs to);
    the plan (goals, measures, expected results, steps) is published with the cycle's own
    ``publication`` when it has one, else with the profile's.
    """

    start: dt.date
    end: dt.date
    declared_on: dt.date = Field(description="立项日期")
    goals: list[Text] = Field(default_factory=list, description="预期目标")
    measures: list[Text] = Field(default_factory=list, description="工作措施")
    expected: list[Text] = Field(default_factory=list, description="预期成效")
    steps: list[Step] = Field(default_factory=list, description="实施步骤")
    publication: Publication | None = Field(None, description="立项计划的公开状态 (缺省随 profile.yml)")

    @property
    def id(self) -> str:
        """``2025-2026``: the cycle's stable address part."""
        return f"{self.start.year}-{self.end.year}"

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    @property
    def has_plan(self) -> bool:
        return bool(self.goals or self.measures or self.expected or self.steps)


class FactChange(Record):
    """事实变更: from ``since`` on, the listed fields hold the new values; earlier periods keep the old ones.

    Write the profile as it was at the start and add one entry per change, e.g.
    ``- {since: 2026-03-01, note: 换届, secretary: {also_director: true}}``.
    """

    since: dt.date = Field(description="从这天起(含)")
    note: Text | None = Field(None, description="说明, 如 换届、调整")
    secretary: dict[str, Any] | None = None
    committee: dict[str, Any] | None = None
    cadres: dict[str, Any] | None = None
    network: dict[str, Any] | None = None
    property: dict[str, Any] | None = None
    liaison: dict[str, Any] | None = None


class ProfileFile(Record):
    """communities/<town-id>/<community-id>/profile.yml."""

    name: Text
    address: Text = Field(description="党群服务中心地址")
    phone: Text | None = Field(None, description="党群服务中心对外公开的办公电话 (须列入 site_config.yml 的 pii_allow)",
                               examples=["0512-65123456"])
    opening_hours: Text | None = Field(None, description="开放时间", examples=["周一至周五 8:30—17:00"])
    org_type: OrgType
    summary: Text | None = None
    secretary: Secretary
    committee: Committee
    cadres: Cadres
    network: Network
    property: Property
    liaison: Liaison
    service_posts: list[ServicePost] = Field(default_factory=list, description="在职党员认岗履责的服务岗位")
    cycles: list[Cycle] = Field(min_length=1, description="项目周期, 按时间先后; 新周期写在后面, 往期不要删除")
    changes: list[FactChange] = Field(default_factory=list,
                                      description="事实变更记录, 按日期先后; 往期按当时的事实计分")
    publication: Publication | None = None


# --- members (aggregate counts only) ----------------------------------------


class MemberCounts(Record):
    period: Period = Field(description="半年度, e.g. 2025-H2")
    self_managed: Count = Field(description="自管党员")
    in_service: Count = Field(description="在职党员 (到社区报到)")
    floating: Count = Field(description="流动党员")
    total: Count = Field(description="合计, 须等于三类之和")
    relation_in_community: Count = Field(description="组织关系在社区的党员")
    participating: Count = Field(description="其中参加社区活动的")
    inflow_cards: Count = Field(0, description="流入登记卡")
    outflow_cards: Count = Field(0, description="流出登记卡")
    rosters: list[RosterKind] = Field(default_factory=list, description="已建立的花名册")
    publication: Publication | None = None


class MembersFile(Record):
    publication: Publication | None = None
    members: list[MemberCounts] = Field(default_factory=list)


# --- pledges -----------------------------------------------------------------


class Milestone(Record):
    date: dt.date = Field(description="计划完成日期")
    title: Text
    status: MilestoneStatus
    done_on: dt.date | None = None
    evidence: Text | None = Field(None, description="完成佐证")


class PledgeUpdate(Record):
    date: dt.date = Field(description="状态变更日期")
    status: UpdateStatus = Field(description="变更后的状态")
    source: Text = Field(description="依据或来源, e.g. 2026年9月居民议事会纪要")
    explanation: Text | None = Field(None, description="公开说明: 停滞、部分完成、未兑现时必填")


class PledgeMember(Record):
    display_name: Text = Field(description="公示姓名")
    post: Text = Field(description="岗位")
    badge: bool = Field(description="挂牌上岗")


class Pledge(Record):
    id: Slug
    kind: Literal["组织承诺", "党员承诺"]
    title: Text
    target: Text = Field(description="可衡量的目标")
    owner: Text = Field(description="责任人或责任部门")
    member: PledgeMember | None = None
    theme: Text | None = None
    published_via: list[Channel] = Field(min_length=1)
    published_on: dt.date
    due: dt.date
    milestones: list[Milestone] = Field(default_factory=list, description="履诺进度表")
    updates: list[PledgeUpdate] = Field(default_factory=list, description="状态变更记录, 按日期先后")
    publication: Publication | None = None


class PledgesFile(Record):
    publication: Publication | None = None
    pledges: list[Pledge] = Field(default_factory=list)


# --- brands ------------------------------------------------------------------


class Image(Record):
    file: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_][A-Za-z0-9_./-]*\.(?:jpg|jpeg|png|webp)$")]
    alt: Text


class ReviewEntry(Record):
    date: dt.date
    summary: Text


class BrandYear(Record):
    year: Annotated[int, Field(ge=2000, le=2100)]
    plan: ReviewEntry | None = Field(None, description="年初计划")
    midyear: ReviewEntry | None = Field(None, description="半年检查")
    yearend: ReviewEntry | None = Field(None, description="年终验收")


class Achievement(Record):
    date: dt.date
    text: Text


PROMOTION_KINDS = ("简报", "媒体", "现场观摩", "经验推广")


class Mention(Record):
    """A promotion record (项目推广): briefing, media report, site visit (现场观摩) or adoption elsewhere."""

    date: dt.date
    kind: Literal["简报", "媒体", "现场观摩", "经验推广"]
    title: Text
    source: Text = Field(description="刊发或组织单位")
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")] | None = None
    adopted_by: list[Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+/[a-z0-9-]+$")]] = Field(
        default_factory=list, description="经验推广: 借鉴做法的社区 <town-id>/<community-id>")


class Brand(Record):
    id: Slug = Field(description="永久链接 /brands/<id>/, 确定后不要修改")
    former_ids: list[Slug] = Field(default_factory=list, description="曾用 id, 旧链接自动跳转")
    name: Text
    theme: Text
    summary: Text
    body: LongText | None = Field(None, description="Markdown 正文")
    images: list[Image] = Field(default_factory=list)
    started: dt.date
    years: list[BrandYear] = Field(default_factory=list)
    achievements: list[Achievement] = Field(default_factory=list)
    mentions: list[Mention] = Field(default_factory=list)
    publication: Publication | None = None


class BrandsFile(Record):
    publication: Publication | None = None
    brands: list[Brand] = Field(default_factory=list)


# --- activities and meetings -------------------------------------------------


class Activity(Record):
    date: dt.date
    type: ActivityType
    title: Text
    participants: Count
    in_service_participants: Count | None = Field(None, description="其中在职党员")
    summary: Text | None = None
    publication: Publication | None = None


class ActivitiesFile(Record):
    publication: Publication | None = None
    activities: list[Activity] = Field(default_factory=list)


# --- surveys, reports, acceptance --------------------------------------------


class Survey(Record):
    date: dt.date
    topic: Text
    respondents: Annotated[int, Field(gt=0, le=1_000_000)]
    satisfied: Count


Mechanism = Literal[
    "社区干部培养管理机制", "社区党组织和党员公开承诺机制", "社区党建品牌培育机制",
    "社区党员居住地发挥作用机制", "社区党员分类管理机制", "社区党建领导管理机制",
]
MECHANISMS: tuple[str, ...] = Mechanism.__args__  # type: ignore[attr-defined]


class MechanismProgress(Record):
    """半年报告中一项机制的推进和落实情况."""

    mechanism: Mechanism
    done: Text = Field(description="推进和落实情况")
    problems: Text | None = Field(None, description="存在问题")
    next_steps: Text | None = Field(None, description="下步打算")


class Report(Record):
    period: Period
    submitted_on: dt.date
    summary: Text
    mechanisms: list[MechanismProgress] = Field(default_factory=list, description="六项机制推进和落实情况")
    publication: Publication | None = Field(None, description="报告的公开状态 (缺省随 assessments.yml)")


class Mark(Record):
    item: Annotated[int, Field(ge=1, le=99)] = Field(description="考评细则序号")
    score: Annotated[float, Field(ge=0)]
    comment: Text
    override_reason: Text | None = Field(None, description="覆盖计算结果的书面理由")


class Acceptance(Record):
    date: dt.date
    period: Period
    team: Text = Field(description="验收组")
    marks: list[Mark] = Field(default_factory=list)


class AssessmentsFile(Record):
    publication: Publication | None = None
    surveys: list[Survey] = Field(default_factory=list)
    reports: list[Report] = Field(default_factory=list, description="半年报告")
    acceptance: list[Acceptance] = Field(default_factory=list)


FILE_MODELS: dict[str, type[Record]] = {
    "profile.yml": ProfileFile,
    "members.yml": MembersFile,
    "pledges.yml": PledgesFile,
    "brands.yml": BrandsFile,
    "activities.yml": ActivitiesFile,
    "assessments.yml": AssessmentsFile,
}
