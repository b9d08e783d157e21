"""``site_config.yml``: site identity, footer fields, grade bands, allow-lists."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, PrivateAttr, StringConstraints, ValidationError, model_validator

from generator.errors import ErrorLog
from generator.messages import RuleError, msg
from generator.records.messages import validation_errors
from generator.records.schema import Period, Record, Text, attach_sources
from generator.records.yamlio import PathKey, YamlDoc, read_yaml

Colour = Literal["red", "pink", "purple", "indigo", "blue", "teal", "green", "brown", "grey", "black", "white"]


class Footer(Record):
    sponsor: Text = Field(description="主办单位")
    organiser: Text | None = Field(None, description="承办单位")
    icp: Text | None = Field(None, description="ICP备案号")
    police: Text | None = Field(None, description="公安备案号")
    contact: Text | None = None


class Feedback(Record):
    """反映问题: where residents raise a problem (no server: a phone, a mailbox, an office)."""

    note: Text | None = Field(None, description="说明, e.g. 对公开内容有疑问或发现问题, 欢迎反映")
    phone: Text | None = Field(None, description="受理电话 (须列入 pii_allow)")
    email: Text | None = Field(None, description="受理邮箱 (须列入 pii_allow)")
    address: Text | None = Field(None, description="受理地点")


class Grade(Record):
    name: Text
    min: Annotated[float, Field(ge=0, le=100)] = Field(description="下限 (含本数, 即'以上')")


class SiteSection(Record):
    name: Text
    short_name: Text
    description: Text
    url: Annotated[str, StringConstraints(pattern=r"^https?://[^\s/]+(/\S*)?/$")] = Field(
        description="公开网址, 以 / 结尾; 二维码使用此地址")
    sample_data: bool = Field(False, description="在每页显示'示例数据'横幅")
    primary: Colour = "red"
    accent: Colour = "red"


class SiteConfig(Record):
    site: SiteSection
    footer: Footer
    grades: list[Grade] = Field(min_length=1)
    excellence_line: Annotated[float, Field(ge=0, le=100)] = Field(90, description="表彰参考线")
    pii_allow: list[Text] = Field(default_factory=list, description="允许公开的办公电话等")
    feedback: Feedback | None = Field(None, description="每个社区公开栏上的“反映问题”入口")
    recent_activities: Annotated[int, Field(ge=1, le=100)] = 8
    # Checked by the scoring stage against the rubric (scoring.rubric.parse_refinements), which owns its schema.
    rubric_refinements: list[dict[str, Any]] = Field(
        default_factory=list, description="镇(街道)对考评细则的细化 (部分得分档次、额外依据), 在网站上公示")
    publish_reports: list[Period] = Field(
        default_factory=list, description="在网站上公开的半年报告 (半年度, 如 2026-H1): 各镇(街道)报告和全区汇总报告")
    _doc: YamlDoc | None = PrivateAttr(None)

    @property
    def source_path(self) -> str:
        return self._doc.path if self._doc is not None else "site_config.yml"

    def line(self, path: PathKey) -> int:
        """Line of ``path`` in ``site_config.yml`` (0 if the config was not read from a file)."""
        return self._doc.line(path) if self._doc is not None else 0

    @property
    def doc(self) -> YamlDoc | None:
        return self._doc

    @model_validator(mode="after")
    def _grades_descending(self) -> SiteConfig:
        mins = [g.min for g in self.grades]
        if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
            raise RuleError(msg("config.grades_order"))
        if mins[-1] != 0:
            raise RuleError(msg("config.lowest_grade_min"))
        return self

    def grade_for(self, total: float) -> str:
        for grade in self.grades:
            if total >= grade.min:
                return grade.name
        return self.grades[-1].name


def load_config(file: Path, project: Path) -> tuple[SiteConfig | None, ErrorLog]:
    log = ErrorLog()
    rel = file.relative_to(project).as_posix() if file.is_relative_to(project) else file.as_posix()
    if not file.is_file():
        log.add(rel, 0, "", msg("load.file_missing"))
        return None, log
    doc, errors = read_yaml(file, rel)
    log.errors.extend(errors)
    if doc is None or errors:
        return None, log
    try:
        config = SiteConfig.model_validate(doc.data if doc.data is not None else {})
    except ValidationError as exc:
        log.errors.extend(validation_errors(exc, doc, SiteConfig))
        return None, log
    config._doc = doc
    attach_sources(config, doc)
    return config, log
