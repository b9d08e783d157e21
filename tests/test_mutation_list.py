"""The mutation list stays applicable: each break's original line is still in its file, exactly once."""

from __future__ import annotations

import pytest
import yaml
from support import REPO

BREAKS = yaml.safe_load((REPO / "scripts" / "mutations.yml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("entry", BREAKS, ids=[b["id"] for b in BREAKS])
def test_break_applies_to_exactly_one_line(entry: dict[str, object]) -> None:
    text = (REPO / str(entry["file"])).read_text(encoding="utf-8")
    assert text.count(str(entry["old"])) == 1
    assert entry["old"] != entry["new"]
    for test in entry["tests"]:  # type: ignore[attr-defined]
        assert (REPO / test).is_file(), test
