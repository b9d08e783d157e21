"""Atomic builds: a failed build (bad data, a crash, Ctrl-C, findings) leaves the previous site byte-for-byte."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from support import AS_OF_ARG, TRUST, cli, copy_project
from trust_util import build, tree

Setup = Callable[[Path, pytest.MonkeyPatch], None]


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """The build's messages in the English catalogue (tests/test_cli_commands.py covers the Chinese)."""
    monkeypatch.setenv("DANGJIAN_LANG", "en")


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path, dict[str, bytes]]:
    """A project, its published site, and that site's bytes."""
    project = copy_project(TRUST, tmp_path / "project")
    out = tmp_path / "site"
    assert build(project, out).exit_code == 0
    return project, out, tree(out)


def _leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


def _break_yaml(project: Path, mp: pytest.MonkeyPatch) -> None:
    pledges = project / "communities" / "east-town" / "pine" / "pledges.yml"
    pledges.write_text(pledges.read_text(encoding="utf-8")[:300], encoding="utf-8")  # truncated


def _crash_in_producer(project: Path, mp: pytest.MonkeyPatch) -> None:
    from generator.pages import registry as render

    def boom(context: Any, output: Any) -> None:
        raise RuntimeError("injected crash while rendering")

    mp.setattr(render, "PRODUCERS", [*render.PRODUCERS, boom])


def _crash_after_writing(project: Path, mp: pytest.MonkeyPatch) -> None:
    """MkDocs wrote the whole new site, then something crashed before it was published."""
    from generator.engine import mkdocs_adapter

    real = mkdocs_adapter.build_site

    def half(context: Any, output: Any, site_dir: Path, **kwargs: Any) -> Any:
        real(context, output, site_dir, **kwargs)
        # A file of the new tree is replaced, not written in place: unchanged files are links to the published
        # ones (engine/linked_files.py), and nothing in a build writes into a file it did not just create.
        part = site_dir / "index.html.part"
        part.write_text("half-written", encoding="utf-8")
        part.replace(site_dir / "index.html")
        raise RuntimeError("injected crash after writing")

    mp.setattr(mkdocs_adapter, "build_site", half)


def _page_fails(exc: BaseException) -> Setup:
    def setup(project: Path, mp: pytest.MonkeyPatch) -> None:
        from mkdocs.commands import build as mk_build

        real = mk_build._build_page
        calls = {"n": 0}

        def page(*args: Any, **kwargs: Any) -> Any:
            calls["n"] += 1
            if calls["n"] == 3:
                raise exc
            return real(*args, **kwargs)

        mp.setattr(mk_build, "_build_page", page)
    return setup


def _interrupt_at_the_swap(project: Path, mp: pytest.MonkeyPatch) -> None:
    from generator.engine import publish

    def exchange(a: Path, b: Path) -> bool:
        raise KeyboardInterrupt

    mp.setattr(publish, "exchange", exchange)


def _broken_link_in_content(project: Path, mp: pytest.MonkeyPatch) -> None:
    (project / "content" / "links.md").write_text("# 链接\n\n[旧文件](missing.md)\n", encoding="utf-8")


@pytest.mark.parametrize(("setup", "exit_code", "message"), [
    (_break_yaml, 1, "site not built (previous site left as it was)"),
    (_crash_in_producer, 1, None),
    (_crash_after_writing, 1, None),
    (_page_fails(RuntimeError("injected crash in MkDocs")), 2, "site engine failed"),
    (_page_fails(KeyboardInterrupt()), 130, "interrupted; site not built (previous site left as it was)"),
    (_interrupt_at_the_swap, 130, "interrupted; site not built"),
    (_broken_link_in_content, 1, "problem(s) found in the built site; not published"),
], ids=["bad-data", "crash-render", "crash-after-write", "crash-mkdocs", "ctrl-c-mkdocs", "ctrl-c-swap",
        "verify-findings"])
def test_failed_build_leaves_previous_site_intact(built: tuple[Path, Path, dict[str, bytes]], setup: Setup,
                                                   exit_code: int, message: str | None,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    project, out, before = built
    # A change that would show in the new site, so "intact" cannot mean "rebuilt the same".
    about = project / "content" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\n新的一段。\n", encoding="utf-8")
    with monkeypatch.context() as mp:
        setup(project, mp)
        result = cli("build", "-p", str(project), "--as-of", AS_OF_ARG, "-o", str(out), catch=True)
    assert result.exit_code == exit_code, result.output
    if message:
        assert message in result.output
    assert tree(out) == before
    assert _leftovers(out) == []


def test_successful_build_replaces_the_site(built: tuple[Path, Path, dict[str, bytes]]) -> None:
    project, out, before = built
    about = project / "content" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\n新的一段。\n", encoding="utf-8")
    assert build(project, out).exit_code == 0
    after = tree(out)
    assert "新的一段" in after["about/index.html"].decode() and "新的一段" not in before["about/index.html"].decode()
    assert _leftovers(out) == []


def test_ctrl_c_during_the_swap_is_held_until_the_site_is_whole(built: tuple[Path, Path, dict[str, bytes]],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    project, out, _ = built
    about = project / "content" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\n新的一段。\n", encoding="utf-8")
    from generator.engine import publish

    real = publish.exchange

    def exchange(a: Path, b: Path) -> bool:
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C right as the two sites trade places
        return real(a, b)

    with monkeypatch.context() as mp:
        mp.setattr(publish, "exchange", exchange)
        result = cli("build", "-p", str(project), "--as-of", AS_OF_ARG, "-o", str(out), catch=True)
    assert result.exit_code == 0, result.output
    assert "it is complete" in result.output
    assert "新的一段" in (out / "about" / "index.html").read_text(encoding="utf-8")
    assert _leftovers(out) == []


def test_first_build_failure_creates_nothing(tmp_path: Path) -> None:
    project = copy_project(TRUST, tmp_path / "project")
    _break_yaml(project, pytest.MonkeyPatch())
    out = tmp_path / "site"
    assert cli("build", "-p", str(project), "--as-of", AS_OF_ARG, "-o", str(out), catch=True).exit_code == 1
    assert not out.exists() and _leftovers(out) == []


def test_a_failed_first_build_into_new_folders_leaves_no_folders(tmp_path: Path) -> None:
    """The build's temporary folder (the render's spooled pages, then the new site) sits next to the target,
    so the target's missing parents are made before the records are read: a failed build removes them."""
    project = copy_project(TRUST, tmp_path / "project")
    _break_yaml(project, pytest.MonkeyPatch())
    out = tmp_path / "new" / "deeper" / "site"
    assert cli("build", "-p", str(project), "--as-of", AS_OF_ARG, "-o", str(out), catch=True).exit_code == 1
    assert not (tmp_path / "new").exists()
