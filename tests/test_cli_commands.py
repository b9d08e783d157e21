"""The CLI surface: help for every command, `new` scaffolding, `schema` export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import AS_OF_ARG, cli

from generator.cli import main


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_has_help(command: str) -> None:
    assert main.commands[command].help, f"{command} has no help text"
    result = cli(command, "--help")
    assert result.exit_code == 0


def test_required_commands_exist() -> None:
    assert {"build", "check", "serve", "new", "schema"} <= set(main.commands)


def test_new_scaffolds_a_community_that_checks_clean_and_stays_unpublished(project_copy) -> None:  # type: ignore[no-untyped-def]
    root: Path = project_copy("minimal")
    result = cli("new", "demo-town/fresh", "--name", "新建社区", "-p", str(root))
    assert result.exit_code == 0, result.output
    assert "created communities/demo-town/fresh/profile.yml" in result.stdout
    check = cli("check", "-p", str(root), "--as-of", AS_OF_ARG, "--show-held")
    assert check.exit_code == 0, check.output
    assert "held back: communities/demo-town/fresh/profile.yml: community 新建社区: 草稿，尚未审批" \
        in check.stdout


def test_new_refuses_unknown_town_and_existing_folder(project_copy) -> None:  # type: ignore[no-untyped-def]
    root: Path = project_copy("minimal")
    result = cli("new", "nowhere/fresh", "--name", "新建社区", "-p", str(root))
    assert result.exit_code == 1
    assert result.stderr == "error: town 'nowhere' does not exist (communities/nowhere/town.yml is missing)\n"
    result = cli("new", "demo-town/demo-community", "--name", "重复", "-p", str(root))
    assert result.stderr == "error: communities/demo-town/demo-community already exists\n"


def test_schema_writes_json_schemas(tmp_path: Path) -> None:
    result = cli("schema", "-o", str(tmp_path))
    assert result.exit_code == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(["activities.schema.json", "assessments.schema.json", "brands.schema.json",
                            "district.schema.json", "members.schema.json", "pledges.schema.json",
                            "profile.schema.json", "town.schema.json"])
    pledges = json.loads((tmp_path / "pledges.schema.json").read_text(encoding="utf-8"))
    pledge = pledges["$defs"]["Pledge"]
    assert pledge["additionalProperties"] is False
    assert pledge["properties"]["due"]["format"] == "date"
