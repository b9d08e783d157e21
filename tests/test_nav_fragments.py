"""Material's sidebar navigation is rendered once per distinct set of relative links, and every page gets
exactly the HTML Material renders for it without that."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from support import AS_OF_ARG, REPO, cli

from generator.engine.mkdocs_nav import NavFragments


def build(out: Path) -> None:
    result = cli("build", "-p", str(REPO), "--as-of", AS_OF_ARG, "-o", str(out),
                 env={"DANGJIAN_WORKERS": "1", "DANGJIAN_NO_CACHE": "1"})
    assert result.exit_code == 0, result.output


def test_the_kept_navigation_is_materials_on_every_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    renders: list[int] = []
    kept = NavFragments.__call__

    def counted(self: NavFragments, page: Any, nav: Any, config: Any, caller: Any) -> str:
        def rendering() -> str:
            renders.append(1)
            return caller()
        return kept(self, page, nav, config, rendering)

    monkeypatch.setattr(NavFragments, "__call__", counted)
    build(tmp_path / "kept")
    pages = sorted(p.relative_to(tmp_path / "kept") for p in (tmp_path / "kept").rglob("*.html"))
    assert len(renders) < len(pages) / 2  # most pages share a rendering

    monkeypatch.setattr(NavFragments, "__call__", lambda self, page, nav, config, caller: caller())
    build(tmp_path / "each")
    differ = [p for p in pages if (tmp_path / "kept" / p).read_bytes() != (tmp_path / "each" / p).read_bytes()]
    assert differ == []
