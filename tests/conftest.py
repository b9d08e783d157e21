"""Shared fixtures: fixture projects copied to a temp folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support import PROJECTS


@pytest.fixture
def project_copy(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Copy a fixture project into a temp folder so a test can edit it."""

    def make(name: str) -> Path:
        dest = tmp_path / name
        shutil.copytree(PROJECTS / name, dest, symlinks=True)
        return dest

    return make
