"""The CLI surface: help for every command, `new` scaffolding, `schema` export."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
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
    records = ("profile", "members", "pledges", "brands", "activities", "assessments")
    schemas = ("district", "town", *records)
    assert result.stdout.splitlines() == [
        *(f"已建立 communities/demo-town/fresh/{name}.yml" for name in records),
        *(f"已建立 schemas/{name}.schema.json" for name in schemas),
        "下一步：填写这些文件，然后运行 dangjian check",
    ]
    profile = (root / "communities/demo-town/fresh/profile.yml").read_text(encoding="utf-8")
    assert profile.startswith("# yaml-language-server: $schema=../../../schemas/profile.schema.json\n")
    assert (root / "communities/demo-town/fresh/profile.yml").resolve().parent.joinpath(
        "../../../schemas/profile.schema.json").resolve().is_file()
    check = cli("check", "-p", str(root), "--as-of", AS_OF_ARG, "--show-held")
    assert check.exit_code == 0, check.output
    assert "暂不公开：communities/demo-town/fresh/profile.yml: 社区 新建社区: 草稿，尚未审批" \
        in check.stdout.splitlines()


def test_new_refuses_unknown_town_and_existing_folder(project_copy) -> None:  # type: ignore[no-untyped-def]
    root: Path = project_copy("minimal")
    result = cli("new", "nowhere/fresh", "--name", "新建社区", "-p", str(root))
    assert result.exit_code == 1
    assert result.stderr == "错误：街道“nowhere”不存在（缺少 communities/nowhere/town.yml）\n"
    result = cli("new", "demo-town/demo-community", "--name", "重复", "-p", str(root))
    assert result.stderr == "错误：communities/demo-town/demo-community 已经存在\n"
    result = cli("--lang", "en", "new", "demo-town/demo-community", "--name", "重复", "-p", str(root))
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
    # VS Code shows the Chinese label on hover and offers the example while typing
    assert pledge["properties"]["due"]["title"] == "完成时限(due)"
    assert pledge["properties"]["due"]["examples"] == ["2026-06-30"]
    assert pledge["properties"]["title"]["title"] == "承诺事项(title)"
    assert pledges["$defs"]["Milestone"]["properties"]["status"]["enum"] == ["未开始", "进行中", "已完成"]


def test_help_is_chinese_by_default_and_english_on_request() -> None:
    zh = CliRunner().invoke(main, ["--help"], prog_name="dangjian")
    assert zh.exit_code == 0
    assert zh.stdout.startswith("用法： dangjian [选项] 命令 [参数]...\n")
    for words in ("选项：", "命令：", "显示本帮助并退出。", "校验记录并计分，不生成网站", "生成公开网站"):
        assert words in zh.stdout
    for english in ("Usage", "Options", "Commands", "Show this message"):
        assert english not in zh.stdout
    build = cli("build", "--help")
    assert "把这一天当作“今天”，用于逾期和半年度判断" in build.stdout
    en = subprocess.run([sys.executable, "-m", "generator.cli", "--help"], capture_output=True, text=True,
                        env={**os.environ, "DANGJIAN_LANG": "en"}, check=True)
    assert en.stdout.startswith("Usage: python -m generator.cli [OPTIONS] COMMAND [ARGS]...\n")
    assert "Build the public site." in en.stdout


def test_a_usage_error_is_chinese() -> None:
    result = cli("freeze")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "错误：缺少参数 'PERIOD'."


def test_a_bad_date_option_is_chinese() -> None:
    result = cli("check", "--as-of", "2026-13-01")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "错误：'--as-of' 的值无效：应为日期，例如 2026-06-30"


def test_lang_en_on_the_command_line_gives_english_help() -> None:
    en = subprocess.run([sys.executable, "-m", "generator.entry", "check", "--help", "--lang", "en"],
                        capture_output=True, text=True, env={k: v for k, v in os.environ.items()
                                                             if k != "DANGJIAN_LANG"}, check=True)
    assert en.stdout.startswith("Usage: python -m generator.entry check [OPTIONS]\n\n"
                                "  Validate and score all records without building the site.\n")
