"""The shipped sample district: plausible, differing scores; every item shows evidence and explanation."""

from __future__ import annotations

import re

import pytest
from support import AS_OF, REPO

from generator.pipeline import run


@pytest.fixture(scope="module")
def result():  # type: ignore[no-untyped-def]
    if not (REPO / "communities" / "district.yml").is_file():
        pytest.skip("no sample district in this checkout")
    res = run(REPO, AS_OF)
    assert res.log.errors == [], [str(e) for e in res.log]
    assert res.context is not None and res.context.scores is not None and res.output is not None
    if not res.context.scores.results:
        pytest.skip("the sample district has no acceptance records yet")
    return res


def test_sample_scores_are_plausible_and_differ(result) -> None:  # type: ignore[no-untyped-def]
    totals = [r.total for r in result.context.scores.history]
    assert len(set(totals)) > 1
    assert all(0 <= t <= 100 for t in totals)
    for r in result.context.scores.history:
        assert r.total == sum(i.score for i in r.items)


def test_every_sample_score_page_shows_explanation_and_evidence(result) -> None:  # type: ignore[no-untyped-def]
    for r in result.context.scores.results:
        page = result.output.pages[f"{r.url}index.md"]
        rows = re.findall(r'<tr id="item-(\d+)">\n(.*?)\n</tr>', page, flags=re.S)
        assert [int(n) for n, _ in rows] == list(range(1, 24)), r.community
        for no, row in rows:
            cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
            assert len(cells) == 5, (r.community, no)
            explanation, evidence = cells[3], cells[4]
            assert re.sub(r"<[^>]+>", "", explanation).strip(), (r.community, no)
            assert re.sub(r"<[^>]+>", "", evidence).strip(), (r.community, no)
