"""Evidence helpers: every reference points at the record's own place in its YAML file.

Each loaded record carries its :class:`~generator.records.schema.Source`
through the publication gate, so evidence never has to find a record again.
"""

from __future__ import annotations

from generator import urls
from generator.records.model import Community
from generator.records.schema import Record, locate
from generator.scoring.rules.base import Evidence


def board(c: Community, anchor: str = "") -> str:
    return urls.anchor(urls.community(c.town_id, c.id), anchor)


def score_page(c: Community, anchor: str = "") -> str:
    return urls.anchor(urls.community_score(c.town_id, c.id), anchor)


def file_of(c: Community, file: str) -> str:
    """Project-relative path of one of ``c``'s record files (whether or not it exists)."""
    return f"{c.rel_dir}/{file}"


def evidence(c: Community, label: str, value: str, record: Record, file: str, url: str,
             *keys: str | int) -> Evidence:
    """Evidence at ``record`` (or at ``keys`` inside it) in ``c``'s ``file``."""
    src, line, _field = locate(record, file_of(c, file), *keys)
    return Evidence(label, value, src, line, url)
