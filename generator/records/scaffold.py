"""``dangjian new``: scaffold a community's record files from the templates in data/scaffold/."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from pathlib import Path

from generator.records.load import ID_RE

FILES = ("profile.yml", "members.yml", "pledges.yml", "brands.yml", "activities.yml", "assessments.yml")


def scaffold(project: Path, key: str, name: str, today: dt.date | None = None) -> list[str]:
    """Create ``communities/<town>/<community>/`` with draft records; returns created paths."""
    town_id, _, community_id = key.partition("/")
    if not (ID_RE.match(town_id) and ID_RE.match(community_id)):
        raise ValueError(f"'{key}' is not TOWN-ID/COMMUNITY-ID in lowercase letters, digits and hyphens")
    town_dir = project / "communities" / town_id
    if not (town_dir / "town.yml").is_file():
        raise ValueError(f"town '{town_id}' does not exist (communities/{town_id}/town.yml is missing)")
    folder = town_dir / community_id
    if folder.exists():
        raise ValueError(f"communities/{key} already exists")
    today = today or dt.date.today()
    start = dt.date(today.year, 1, 1)
    values = {
        "name": json.dumps(name, ensure_ascii=False),
        "start": start.isoformat(),
        "end": dt.date(today.year + 1, 12, 31).isoformat(),
        "declared": today.isoformat(),
        "period": f"{today.year}-H{1 if today.month <= 6 else 2}",
    }
    (folder / "images").mkdir(parents=True)
    created = []
    templates = resources.files("generator") / "data" / "scaffold"
    for file in FILES:
        text = (templates / file).read_text(encoding="utf-8")
        for k, v in values.items():
            text = text.replace("{{" + k + "}}", v)
        (folder / file).write_text(text, encoding="utf-8")
        created.append(f"communities/{key}/{file}")
    return created
