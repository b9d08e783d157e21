"""Shared test helpers (importable by name; pytest's conftest is for fixtures only)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from generator.cli import main

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
PROJECTS = TESTS / "fixtures" / "projects"
AS_OF = "2026-11-27"


def cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)
