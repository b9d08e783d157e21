"""Shared test helpers: fixture projects and a CLI runner."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator.cli import main

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
PROJECTS = TESTS / "fixtures" / "projects"
AS_OF = "2026-11-27"


@pytest.fixture
def project_copy(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Copy a fixture project into a temp folder so a test can edit it."""

    def make(name: str) -> Path:
        dest = tmp_path / name
        shutil.copytree(PROJECTS / name, dest, symlinks=True)
        return dest

    return make


def cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)
