"""JSON Schemas of the record files, with the Chinese labels, descriptions and examples staff see.

VS Code's YAML extension shows ``title`` and ``markdownDescription`` on hover and offers ``enum``
values and ``examples`` as completions, so the schema speaks the words of the scaffold comments.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from generator.messages import labels
from generator.records.messages import _inner_model
from generator.records.schema import FILE_MODELS, DistrictFile, TownFile

# Examples by the pattern or format a value must have (the schema already lists enumerations).
EXAMPLES_BY_PATTERN = {
    "^[a-z0-9]+(?:-[a-z0-9]+)*$": ["elderly-care"],
    "^20[0-9]{2}-H[12]$": ["2026-H1", "2026-H2"],
    "^[a-z0-9-]+/[a-z0-9-]+$": ["chengnan/qinghe"],
    "^https?://\\S+$": ["https://www.example.gov.cn/"],
}
EXAMPLES_BY_FORMAT = {"date": ["2026-06-30"]}


def _parents(root: type[BaseModel]) -> dict[str, str]:
    """Model name -> the key it sits under (first seen), for labels that depend on the parent."""
    out: dict[str, str] = {}

    def walk(model: type[BaseModel], parent: str) -> None:
        if model.__name__ in out:
            return
        out[model.__name__] = parent
        for name, info in model.model_fields.items():
            inner = _inner_model(info.annotation)
            if inner is not None:
                walk(inner, name)

    walk(root, "")
    return out


def _examples(prop: dict[str, Any]) -> list[str] | None:
    for candidate in (prop, *prop.get("anyOf", ()), prop.get("items") or {}):
        if not isinstance(candidate, dict):
            continue
        found = EXAMPLES_BY_PATTERN.get(candidate.get("pattern", "")) or EXAMPLES_BY_FORMAT.get(
            candidate.get("format", ""))
        if found:
            return found
    return None


def _label_model(schema: dict[str, Any], parent: str) -> None:
    table = labels()
    for name, prop in schema.get("properties", {}).items():
        label = table.get(f"{parent}.{name}") or table.get(name)
        if label is None:
            continue
        prop["title"] = f"{label}({name})"
        described = prop.get("description")
        prop["markdownDescription"] = f"**{label}**" + (f":{described}" if described else "")
        examples = _examples(prop)
        if examples and "examples" not in prop:
            prop["examples"] = examples


def labelled_schema(model: type[BaseModel]) -> dict[str, Any]:
    """``model``'s JSON Schema with Chinese titles, hover texts and examples on every property."""
    schema = model.model_json_schema()
    parents = _parents(model)
    _label_model(schema, "")
    defs = schema.get("$defs", {})
    for sub in _models(model):
        if sub.__name__ in defs:
            _label_model(defs[sub.__name__], parents.get(sub.__name__, ""))
    return schema


def _models(root: type[BaseModel]) -> list[type[BaseModel]]:
    seen: dict[str, type[BaseModel]] = {}

    def walk(model: type[BaseModel]) -> None:
        if model.__name__ in seen:
            return
        seen[model.__name__] = model
        for info in model.model_fields.values():
            inner = _inner_model(info.annotation)
            if inner is not None:
                walk(inner)

    walk(root)
    return list(seen.values())


def record_schemas() -> dict[str, dict[str, Any]]:
    """File name -> its schema, for every record file kind."""
    models: dict[str, type[BaseModel]] = {"district.yml": DistrictFile, "town.yml": TownFile, **FILE_MODELS}
    return {name: labelled_schema(model) for name, model in models.items()}
