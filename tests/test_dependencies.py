"""Installs are reproducible: every direct dependency has a major-version ceiling, and the checked-in
constraints file pins each one (and everything they pull in) to a version that the ceiling allows."""

from __future__ import annotations

import re
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version
from support import REPO

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def _direct() -> list[Requirement]:
    project = PYPROJECT["project"]
    names = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        names += extra
    return [Requirement(r) for r in names]


def _pins() -> dict[str, Version]:
    pins = {}
    for line in (REPO / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([^\s;]+)", line)
        assert match, f"constraints.txt: {line!r} is not an exact pin"
        pins[canonicalize_name(match[1])] = Version(match[2])
    return pins


def test_every_direct_dependency_has_an_upper_bound() -> None:
    unbounded = [str(r) for r in [*_direct(), *map(Requirement, PYPROJECT["build-system"]["requires"])]
                 if not any(s.operator in ("<", "<=", "==", "~=") for s in r.specifier)]
    assert unbounded == []


def test_mkdocs_stays_below_2() -> None:
    mkdocs = next(r for r in _direct() if r.name == "mkdocs")
    assert not mkdocs.specifier.contains("2.0") and mkdocs.specifier.contains("1.6.1")


def test_constraints_pin_every_direct_dependency_within_its_range() -> None:
    pins = _pins()
    for req in _direct():
        name = canonicalize_name(req.name)
        assert name in pins, f"{req.name} is not pinned in constraints.txt"
        assert req.specifier.contains(pins[name], prereleases=True), f"{req.name}=={pins[name]} is outside {req}"


def test_the_test_command_installs_from_the_constraints_file() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    command = 'pip install -c constraints.txt -e ".[test]" && bash scripts/setup-test-tools.sh && python -m pytest'
    assert command in readme and command in ci
