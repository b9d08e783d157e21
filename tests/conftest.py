"""Shared fixtures: fixture projects copied to a temp folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import PROJECTS, copy_project


@pytest.fixture(autouse=True)
def _messages_in_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts with the default language (Chinese), whatever the shell running the tests has set."""
    monkeypatch.delenv("DANGJIAN_LANG", raising=False)


@pytest.fixture
def project_copy(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Copy a fixture project (by scenario name) into a temp folder so a test can edit it."""

    def make(name: str) -> Path:
        return copy_project(PROJECTS / name, tmp_path / name)

    return make
