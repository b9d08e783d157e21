"""Evidence helpers: locate a published record in its YAML file and on the site.

The published view drops draft records, so list indices there differ from the
file's; records are therefore found again in the parsed file by a key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from generator.records.model import Community
from generator.records.yamlio import PathKey
from generator.scoring.rules.base import Evidence


def board(c: Community, anchor: str = "") -> str:
    return f"towns/{c.town_id}/{c.id}/" + (f"#{anchor}" if anchor else "")


def score_page(c: Community, anchor: str = "") -> str:
    return f"towns/{c.town_id}/{c.id}/score/" + (f"#{anchor}" if anchor else "")


def where(c: Community, file: str, path: PathKey = ()) -> tuple[str, int]:
    src, line = c.sources.where(file, path)
    if line == 0 and "/" not in src:
        src = f"{c.rel_dir}/{file}"
    return src, line


def find(c: Community, file: str, key: str, match: Callable[[dict[str, Any]], bool],
         sub: PathKey = ()) -> tuple[str, int]:
    """Path and line of the first raw entry of list ``key`` in ``file`` that ``match``es."""
    doc = c.sources.docs.get(file)
    if doc is None or not isinstance(doc.data, dict):
        return where(c, file)
    for i, raw in enumerate(doc.data.get(key) or []):
        if isinstance(raw, dict) and match(raw):
            return doc.path, doc.line((key, i, *sub))
    return doc.path, doc.line((key,))


def evidence(c: Community, label: str, value: str, file: str, path: PathKey, url: str) -> Evidence:
    src, line = where(c, file, path)
    return Evidence(label, value, src, line, url)


def found(c: Community, label: str, value: str, file: str, key: str,
          match: Callable[[dict[str, Any]], bool], url: str) -> Evidence:
    src, line = find(c, file, key, match)
    return Evidence(label, value, src, line, url)


def by_field(name: str, value: object) -> Callable[[dict[str, Any]], bool]:
    def match(raw: dict[str, Any]) -> bool:
        got = raw.get(name)
        return (got.strip() if isinstance(got, str) else got) == value
    return match


def by_fields(**fields: object) -> Callable[[dict[str, Any]], bool]:
    checks = [by_field(k, v) for k, v in fields.items()]
    return lambda raw: all(check(raw) for check in checks)
