"""Stage 4: scoring against the rubric (考评细则).

This is the interface the rest of the pipeline uses; the rubric engine fills it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import ErrorLog

if TYPE_CHECKING:
    from .pipeline import SiteContext


@dataclass
class Scores:
    """Scores for every published community; empty until the rubric engine fills it."""

    results: list[Any] = field(default_factory=list)


def score_district(context: SiteContext) -> tuple[Scores, ErrorLog]:
    return Scores(), ErrorLog()
