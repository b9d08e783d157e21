"""Golden-file comparison. Regenerate with: UPDATE_GOLDEN=1 python -m pytest tests -k golden"""

from __future__ import annotations

import os

from support import TESTS

GOLDEN = TESTS / "golden"


def assert_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    assert path.is_file(), f"missing golden file {path}; run UPDATE_GOLDEN=1 python -m pytest tests -k golden"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{name} differs from its golden file; if intended, regenerate (see {__file__})"
