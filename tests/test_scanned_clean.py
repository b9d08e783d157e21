"""Communities found free of personal information, kept between builds (``records/scanned_clean.py``).

A build scans again only the communities whose files (or the district's, or the as-of date) changed; a
community with a finding is scanned, and refused, every time.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from support import AS_OF_ARG, REPO, cli

import generator.records.pii as pii
from generator.records import scanned_clean
from generator.records.watch import Snapshot

PHONE = "13912345678"  # a mobile number: the scan refuses it


class Builds:
    def __init__(self, root: Path) -> None:
        self.root, self.project = root, root / "project"
        for part in ("communities", "content", "theme"):
            shutil.copytree(REPO / part, self.project / part, ignore=shutil.ignore_patterns(".cache"))
        shutil.copy(REPO / "site_config.yml", self.project / "site_config.yml")

    def build(self, monkeypatch: pytest.MonkeyPatch, as_of: str = AS_OF_ARG) -> tuple[int, str, set[str]]:
        """Exit code, output and the communities scanned."""
        scanned: set[str] = set()
        real = pii.scan_community

        def spy(c: Any, allow: list[str]) -> Any:
            scanned.add(c.key)
            return real(c, allow)

        with monkeypatch.context() as mp:
            mp.setattr(pii, "scan_community", spy)
            mp.setenv("DANGJIAN_WORKERS", "1")
            result = cli("build", "-p", str(self.project), "--as-of", as_of, "-o", str(self.root / "site"))
        return result.exit_code, result.output, scanned

    def edit(self, rel: str, old: str, new: str) -> None:
        file = self.project / rel
        text = file.read_text(encoding="utf-8")
        assert old in text
        file.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    return Builds(tmp_path_factory.mktemp("pii-store"))


ALL = 12  # the sample's communities
QINGCHUAN = "communities/chunhui/qingchuan/profile.yml"


def test_a_warm_build_scans_only_what_changed(builds: Builds, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, scanned = builds.build(monkeypatch)
    assert code == 0, out
    assert len(scanned) == ALL
    code, out, scanned = builds.build(monkeypatch)
    assert code == 0 and scanned == set()
    builds.edit(QINGCHUAN, "opening_hours: 周一至周日 8:30—17:30", "opening_hours: 周一至周日 8:00—17:30")
    code, out, scanned = builds.build(monkeypatch)
    assert code == 0 and scanned == {"chunhui/qingchuan"}


def test_a_community_with_a_finding_is_refused_every_time(builds: Builds, monkeypatch: pytest.MonkeyPatch) -> None:
    builds.build(monkeypatch)
    builds.edit(QINGCHUAN, "opening_hours: 周一至周日", f"opening_hours: 联系{PHONE} 周一至周日")
    for _ in range(2):
        code, out, scanned = builds.build(monkeypatch)
        assert code != 0 and "communities/chunhui/qingchuan/profile.yml:" in out and "139****5678" in out, out
        assert scanned == {"chunhui/qingchuan"}
    builds.edit(QINGCHUAN, f"opening_hours: 联系{PHONE} 周一至周日", "opening_hours: 周一至周日")
    code, out, scanned = builds.build(monkeypatch)
    assert code == 0, out


def test_the_district_files_and_the_day_scan_everything_again(builds: Builds, monkeypatch: pytest.MonkeyPatch) -> None:
    builds.build(monkeypatch)
    config = (builds.project / "site_config.yml").read_text(encoding="utf-8")
    builds.edit("site_config.yml", "pii_allow:", "# 允许公开的号码\npii_allow:")
    code, out, scanned = builds.build(monkeypatch)
    assert code == 0 and len(scanned) == ALL, out
    code, out, scanned = builds.build(monkeypatch, as_of="2026-11-28")
    assert code == 0 and len(scanned) == ALL, out
    (builds.project / "site_config.yml").write_text(config, encoding="utf-8")


def test_nothing_is_kept_when_a_file_changed_during_the_scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    builds = Builds(tmp_path)
    profile = builds.project / QINGCHUAN
    real = pii.scan_community

    def edit_midway(c: Any, allow: list[str]) -> Any:
        profile.write_text(profile.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        return real(c, allow)

    with monkeypatch.context() as mp:
        mp.setattr(pii, "scan_community", edit_midway)
        assert builds.build(monkeypatch)[0] == 0
    assert not (builds.project / ".cache" / scanned_clean.KIND).exists()
    _, _, scanned = builds.build(monkeypatch)
    assert len(scanned) == ALL


def test_keys_name_the_community_its_files_the_district_and_the_day(tmp_path: Path) -> None:
    import datetime as dt

    from generator.records.model import Community

    def key(files: dict[str, bytes], community: str = "t/c", day: int = 1) -> str:
        snapshot = Snapshot({rel: data for rel, data in files.items()})
        c = Community.__new__(Community)
        c.town_id, c.id = community.split("/")
        keys = scanned_clean.community_keys(snapshot, [c], dt.date(2026, 1, day))
        assert keys is not None
        return keys[community]

    base = {"site_config.yml": b"a", "communities/t/c/profile.yml": b"b", "communities/t/d/profile.yml": b"c"}
    assert key(base) == key({**base, "communities/t/d/profile.yml": b"other"})  # another community's file
    assert key(base) != key({**base, "communities/t/c/profile.yml": b"other"})
    assert key(base) != key({**base, "communities/t/c/images/a.png": b"new"})
    assert key(base) != key({**base, "site_config.yml": b"other"})
    assert key(base) != key({**base, "communities/t/town.yml": b"new"})
    assert key(base) != key(base, day=2)
    assert key(base) != key(base, community="t/d")
