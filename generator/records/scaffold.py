"""``dangjian new``: scaffold a community's record files from the templates in data/scaffold/."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from pathlib import Path

from generator.messages import Msg, msg
from generator.records.json_schema import record_schemas
from generator.records.load import ID_RE

FILES = ("profile.yml", "members.yml", "pledges.yml", "brands.yml", "activities.yml", "assessments.yml")
SCHEMA_DIR = "schemas"


class ScaffoldError(Exception):
    """Why ``dangjian new`` cannot create the community, as a catalogue message."""

    def __init__(self, message: Msg) -> None:
        super().__init__(message.text("en"))
        self.message = message


def write_schemas(folder: Path) -> list[Path]:
    """The record files' JSON Schemas in ``folder`` (rewritten, so they follow the installed version)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in record_schemas().items():
        target = folder / name.replace(".yml", ".schema.json")
        target.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written.append(target)
    return written


def scaffold(project: Path, key: str, name: str, today: dt.date | None = None) -> list[str]:
    """Create ``communities/<town>/<community>/`` with draft records; returns created paths.

    Each file starts with a ``yaml-language-server`` line pointing at ``schemas/`` (written too), so
    VS Code shows the Chinese labels, enumerations and examples while staff type.
    """
    town_id, _, community_id = key.partition("/")
    if not (ID_RE.match(town_id) and ID_RE.match(community_id)):
        raise ScaffoldError(msg("scaffold.bad_key", key=key))
    town_dir = project / "communities" / town_id
    if not (town_dir / "town.yml").is_file():
        raise ScaffoldError(msg("scaffold.unknown_town", town=town_id))
    folder = town_dir / community_id
    if folder.exists():
        raise ScaffoldError(msg("scaffold.exists", key=key))
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
        modeline = f"# yaml-language-server: $schema=../../../{SCHEMA_DIR}/{file.replace('.yml', '.schema.json')}\n"
        (folder / file).write_text(modeline + text, encoding="utf-8")
        created.append(f"communities/{key}/{file}")
    created += [p.relative_to(project).as_posix() for p in write_schemas(project / SCHEMA_DIR)]
    return created
