"""District indicators: the policy's own targets, computed over all published communities.

* 65%以上 of secretaries hold 大专 or above; 40%以上 hold the 社会工作者证书;
* two-committee cross-appointment 达30%以上 (the 30% belongs to 交叉任职 only);
* members whose organisational relation is in the community take part: 超过60%.

"一肩挑" (secretary also director) is no district percentage: the policy asks it of every community
("推行社区党组织书记、居委会主任‘一肩挑’"), so its indicator is a *requirement*, met only when every
published community does it, and it names the communities that do not yet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from generator.records.model import Community
from generator.records.periods import period_of
from generator.scoring.rules.compare import compare, fmt_percent, phrase
from generator.scoring.rules.metrics import COLLEGE


@dataclass(frozen=True)
class Indicator:
    id: str
    label: str
    numerator: int
    denominator: int
    comparator: str
    target: Fraction
    unit_label: str  # what the numerator and denominator count
    source: str  # the policy clause
    kind: Literal["target", "requirement"] = "target"  # a district ratio target, or asked of every community
    unmet: tuple[str, ...] = ()  # requirement: the communities that do not meet it yet

    @property
    def value(self) -> Fraction | None:
        return Fraction(self.numerator, self.denominator) if self.denominator else None

    @property
    def met(self) -> bool:
        return self.value is not None and compare(self.comparator, self.value, self.target)

    @property
    def target_text(self) -> str:
        if self.kind == "requirement":
            return "每个社区都做到"
        return phrase(self.comparator, fmt_percent(self.target))

    @property
    def value_text(self) -> str:
        return fmt_percent(self.value) if self.value is not None else "—"


def district_indicators(communities: list[Community], as_of: dt.date) -> list[Indicator]:
    n = len(communities)
    secretaries = [c.profile.secretary for c in communities]
    cross = sum(c.profile.committee.cross_appointed for c in communities)
    seats = sum(c.profile.committee.party_members + c.profile.committee.residents_members
                - c.profile.committee.cross_appointed for c in communities)
    current = period_of(as_of)
    taking_part = relation = 0
    for c in communities:
        records = [m for m in c.members.members if m.period <= current]
        if records:
            latest = max(records, key=lambda m: m.period)
            taking_part += latest.participating
            relation += latest.relation_in_community
    return [
        Indicator("secretary_college", "社区党组织书记具有大专及以上学历",
                  sum(s.education in COLLEGE for s in secretaries), n, "以上", Fraction(65, 100), "名书记",
                  "考评细则第1项"),
        Indicator("secretary_certificate", "社区党组织书记持有《社会工作者职业水平证书》",
                  sum(s.social_work_certificate for s in secretaries), n, "以上", Fraction(40, 100), "名书记",
                  "考评细则第1项"),
        Indicator("secretary_director", "书记、居委会主任“一肩挑”", sum(s.also_director for s in secretaries), n,
                  "以上", Fraction(1), "个社区", "考评细则第2项", "requirement",
                  tuple(c.name for c in communities if not c.profile.secretary.also_director)),
        Indicator("cross_appointment", "两委班子“交叉任职”", cross, seats, "以上", Fraction(30, 100), "名两委成员",
                  "考评细则第2项"),
        Indicator("participation", "组织关系在社区的党员参与率", taking_part, relation, "超过", Fraction(60, 100),
                  "名党员", "考评细则第16项"),
    ]
