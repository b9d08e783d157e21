"""Open data: scores.json validates against its schema; CSV opens in Excel; every field is documented."""

from __future__ import annotations

import copy
import csv
import html
import io
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from score_page_util import mechanisms
from scoring_util import ALPHA, append, clone_community, rendered, replace
from support import FULL_MARKS, copy_project

from generator.pages.output import Output
from generator.scoring.export import load_schema, schema_fields

SECOND = """  - date: 2026-07-20
    period: 2026-H1
    team: 测试区委组织部验收组
    marks:
      - {item: 5, score: 3.5, comment: 略有下降}
      - {item: 9, score: 4, comment: 保持}
      - {item: 11, score: 5, comment: 保持}
      - {item: 23, score: 3, comment: 保持}
"""


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Output:
    project = copy_project(FULL_MARKS, tmp_path_factory.mktemp("export") / "project",
                           {f"{ALPHA}/assessments.yml": append(SECOND)})
    clone_community(project, "beicheng", "gamma", "伽马社区", {
        "profile.yml": replace("education: 本科", "education: 高中")})
    result = rendered(project)
    assert result.log.errors == [] and result.output is not None, [str(e) for e in result.log]
    return result.output


@pytest.fixture(scope="module")
def data(output: Output) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(output.files["data/scores.json"].decode("utf-8"))
    return loaded


def test_scores_json_validates_against_the_documented_schema(data: dict[str, Any]) -> None:
    schema = load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(data, schema, format_checker=jsonschema.FormatChecker())
    assert data["as_of"] == "2026-11-27"
    # newest period first, then by district rank (gamma is a copy of alpha, made after the second acceptance)
    assert [(r["community"], r["period"]) for r in data["results"]] == [
        ("nancheng/alpha", "2026-H1"), ("beicheng/gamma", "2026-H1"), ("nancheng/alpha", "2025-H2"),
        ("beicheng/gamma", "2025-H2")]


def test_the_schema_rejects_a_result_without_a_required_field(data: dict[str, Any]) -> None:
    broken = copy.deepcopy(data)
    del broken["results"][0]["items"][0]["explanation"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, load_schema())
    broken = copy.deepcopy(data)
    broken["results"][0]["items"][0]["basis"] = "guessed"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, load_schema())


def test_the_issue_shape_is_present(data: dict[str, Any]) -> None:
    assert set(data["rubric"]["items"][0]) >= {"no", "category", "text", "weight"}
    r = data["results"][0]
    assert set(r) >= {"community", "name", "town", "period", "total", "grade", "rank_in_town", "rank_in_district",
                      "categories", "items"}
    assert set(r["categories"][0]) >= {"no", "name", "score", "max"}
    assert set(r["items"][0]) >= {"no", "score", "max", "basis", "explanation"}
    assert len(data["rubric"]["items"]) == 23 and sum(i["weight"] for i in data["rubric"]["items"]) == 100


def test_totals_equal_the_sum_of_items_and_no_category_exceeds_its_maximum(data: dict[str, Any]) -> None:
    for r in data["results"]:
        items = sum(Decimal(str(i["score"])) for i in r["items"])
        assert Decimal(str(r["total"])) == items
        assert Decimal(str(r["total"])) == sum(Decimal(str(c["score"])) for c in r["categories"])
        for c in r["categories"]:
            assert 0 <= c["score"] <= c["max"]
        for i in r["items"]:
            assert 0 <= i["score"] <= i["max"]
            assert i["explanation"]
            assert i["evidence"] or i["basis"] == "assessed" or i["gap"], i


def test_trend_and_ranks_are_exported(data: dict[str, Any]) -> None:
    latest, _, first, gamma = data["results"]
    assert latest["previous"] == {"period": "2025-H2", "total": 100}
    assert latest["trend"] == pytest.approx(latest["total"] - 100)
    assert first["previous"] is None and first["trend"] is None
    assert (first["rank_in_district"], gamma["rank_in_district"], gamma["total"]) == (1, 2, 97)
    assert (gamma["rank_in_town"], gamma["town"], gamma["town_id"]) == (1, "beicheng镇", "beicheng")


def test_csv_has_a_bom_and_one_row_per_result(output: Output, data: dict[str, Any]) -> None:
    raw = output.files["data/scores.csv"]
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:6] == ["社区代码", "社区", "镇(街道)", "考评期", "验收日期", "总分"]
    assert len(rows[0]) == 10 + 6 + 23
    assert len(rows) == 1 + len(data["results"])
    first = dict(zip(rows[0], rows[1], strict=True))
    assert (first["社区代码"], first["考评期"], first["第5项(4)"]) == ("nancheng/alpha", "2026-H1", "3.5")
    assert Decimal(first["总分"]) == sum(Decimal(v) for k, v in first.items() if k.startswith("第"))


def test_the_data_page_documents_every_schema_field(output: Output) -> None:
    page = html.unescape(output.pages["data.md"])  # field paths are plain text, escaped for Markdown too
    fields = schema_fields()
    assert len(fields) > 40
    for path, _kind, text in fields:
        assert f"<code>{path}</code>" in page, path
        assert text, f"{path} has no description"
    assert "results[].items[].evidence[].url" in {p for p, _, _ in fields}
    assert 'href="../data/scores.json"' in page and 'href="../data/scores.csv"' in page


def test_every_exported_key_is_declared_in_the_schema(data: dict[str, Any]) -> None:
    declared = {p for p, _, _ in schema_fields()}

    def walk(node: Any, prefix: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                path = f"{prefix}.{key}" if prefix else key
                assert path in declared, path
                walk(value, path)
        elif isinstance(node, list):
            for value in node:
                walk(value, f"{prefix}[]")

    walk(data, "")


def test_schema_file_ships_with_the_site(output: Output) -> None:
    assert json.loads(output.files["data/scores.schema.json"]) == load_schema()
    assert Path(load_schema()["$id"]).name == "scores.schema.json"


# The policy's category weights (附件 考评细则), written out here so that this test does not read the
# rubric data it checks: a category maximum that drifts anywhere between rubric.yml and the exports fails.
POLICY_CATEGORY_MAX = [20, 20, 15, 15, 15, 15]


def test_category_maxima_in_the_open_data_are_the_policy_weights(data: dict[str, Any]) -> None:
    assert [c["weight"] for c in data["rubric"]["categories"]] == POLICY_CATEGORY_MAX
    for result in data["results"]:
        assert [c["max"] for c in result["categories"]] == POLICY_CATEGORY_MAX, result["community"]
        category_of = {i["no"]: i["category"] for i in data["rubric"]["items"]}
        per_category = [sum(i["max"] for i in result["items"] if category_of[i["no"]] == c["no"])
                        for c in result["categories"]]
        assert per_category == POLICY_CATEGORY_MAX
        assert sum(c["max"] for c in result["categories"]) == 100


def test_category_maxima_in_the_mechanisms_table_are_the_policy_weights(output: Output) -> None:
    """Every score page (latest and per period) shows the six maxima 20, 20, 15, 15, 15, 15 and 100 in all."""
    pages = [text for path, text in sorted(output.pages.items())
             if re.search(r"/score/(\d{4}-H[12]/)?index\.md$", path)]
    assert len(pages) == 6  # alpha and gamma: latest, 2025-H2 and 2026-H1
    for page in pages:
        table = mechanisms(page)
        assert table[0] == ["机制", "得分", "满分"]
        assert [row[2] for row in table[1:]] == [*map(str, POLICY_CATEGORY_MAX), "100"]
        assert table[-1][0] == "合计"
