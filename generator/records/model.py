"""The in-memory site model: built once by ``load``, then only read."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator import urls
from generator.records.frozen import FrozenPeriod
from generator.records.schema import (
    ActivitiesFile,
    AssessmentsFile,
    BrandsFile,
    DistrictFile,
    MembersFile,
    PledgesFile,
    ProfileFile,
    TownFile,
)
from generator.records.yamlio import PathKey, YamlDoc


@dataclass
class Sources:
    """The parsed YAML documents behind a model object, for line numbers and evidence links."""

    docs: dict[str, YamlDoc] = field(default_factory=dict)

    def where(self, file: str, path: PathKey = ()) -> tuple[str, int]:
        doc = self.docs.get(file)
        if doc is None:
            return file, 0
        return doc.path, doc.line(path)

    def file(self, file: str) -> str:
        """The project-relative path of ``file`` (what :meth:`where` gives without reading a line)."""
        doc = self.docs.get(file)
        return file if doc is None else doc.path


@dataclass
class Community:
    town_id: str
    id: str
    rel_dir: str
    profile: ProfileFile
    members: MembersFile = field(default_factory=MembersFile)
    pledges: PledgesFile = field(default_factory=PledgesFile)
    brands: BrandsFile = field(default_factory=BrandsFile)
    activities: ActivitiesFile = field(default_factory=ActivitiesFile)
    assessments: AssessmentsFile = field(default_factory=AssessmentsFile)
    sources: Sources = field(default_factory=Sources)

    @property
    def key(self) -> str:
        return f"{self.town_id}/{self.id}"

    @property
    def name(self) -> str:
        return self.profile.name

    @property
    def url(self) -> str:
        return urls.community(self.town_id, self.id)


@dataclass
class Town:
    id: str
    info: TownFile
    communities: list[Community] = field(default_factory=list)
    sources: Sources = field(default_factory=Sources)

    @property
    def name(self) -> str:
        return self.info.name

    @property
    def url(self) -> str:
        return urls.town(self.id)


@dataclass
class District:
    root: Path
    info: DistrictFile
    towns: list[Town] = field(default_factory=list)
    sources: Sources = field(default_factory=Sources)
    frozen: list[FrozenPeriod] = field(default_factory=list)  # communities/results/<period>.yml

    def communities(self) -> list[Community]:
        return [c for t in self.towns for c in t.communities]

    def community(self, key: str) -> Community | None:
        for c in self.communities():
            if c.key == key:
                return c
        return None
