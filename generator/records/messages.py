"""Turn pydantic validation errors into located, plain-language DataErrors."""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel, ValidationError

from generator.errors import DataError
from generator.records.schema import ATTENDED_PATTERN, CADRE_POST_PATTERN
from generator.records.yamlio import YamlDoc, format_path

_PATTERN_HINTS = {
    "^[a-z0-9]+(?:-[a-z0-9]+)*$": ("expected an id of lowercase letters, digits and hyphens", "e.g. elderly-care"),
    "^20[0-9]{2}-H[12]$": ("expected a half-year like 2025-H2", "H1 is January–June, H2 July–December"),
    "^https?://\\S+$": ("expected a web address starting with http:// or https://", ""),
    "^[a-z0-9-]+/[a-z0-9-]+$": ("expected a community key like chengnan/qinghe", "<town-id>/<community-id>"),
    CADRE_POST_PATTERN: ("expected a cadre's post, never a name",
                         "e.g. 书记, 居委会主任, 委员, 社区工作者2; number cadres who share a post"),
    ATTENDED_PATTERN: ("expected a post from cadres.roles, or 全体 for every cadre", "e.g. [书记, 社区工作者2]"),
}


def _allowed_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Field names of the sub-model that contains ``loc`` (best effort)."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", None)
        if not fields or part not in fields:
            return []
        current = _inner_model(fields[part].annotation)
        if current is None:
            return []
    fields = getattr(current, "model_fields", None)
    return list(fields) if fields else []


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


# Keys an earlier release used: the new key and how to rewrite the old one.
RENAMED: dict[str, tuple[str, str]] = {
    "cycle": ("cycles", "a community now keeps every project cycle: rename 'cycle:' to 'cycles:' and make it a "
                        "list (put '- ' before 'start:' and indent its other lines by two more spaces)"),
}


def _describe(err: dict[str, Any], model: type[BaseModel]) -> tuple[str, str]:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    loc = tuple(err["loc"])
    got = err.get("input")
    renamed = RENAMED.get(str(loc[-1])) if loc else None
    if kind == "extra_forbidden" and renamed and renamed[0] in _allowed_keys(model, loc):
        return "unknown key", renamed[1]
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, loc)
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"did you mean '{close[0]}'?" if close else ("allowed keys: " + ", ".join(allowed) if allowed else "")
        return "unknown key", hint
    if kind == "missing":
        return "required field is missing", ""
    if kind in ("date_type", "date_parsing", "date_from_datetime_inexact", "date_from_datetime_parsing"):
        return "expected a date like 2026-06-30", "write the date without quotes, as YYYY-MM-DD"
    if kind == "bool_type":
        return "expected true or false", "YAML words such as yes/no/on/off are read as text here"
    if kind in ("int_type", "int_from_float"):
        return "expected a whole number", ""
    if kind == "float_type":
        return "expected a number", ""
    if kind == "string_type":
        return "expected text", "put the value in quotes" if got is not None else ""
    if kind == "literal_error":
        return f"expected one of: {ctx.get('expected', '')}".replace("'", ""), ""
    if kind == "string_pattern_mismatch":
        return _PATTERN_HINTS.get(ctx.get("pattern", ""), ("does not match the required format", ""))
    if kind == "string_too_short":
        return "must not be empty", ""
    if kind == "string_too_long":
        return f"text is too long (at most {ctx.get('max_length')} characters)", "move long text into the body"
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')} entr{'y' if ctx.get('min_length') == 1 else 'ies'}", ""
    if kind in ("greater_than_equal", "greater_than"):
        word = "at least" if kind == "greater_than_equal" else "more than"
        return f"must be {word} {ctx.get('ge', ctx.get('gt'))}", ""
    if kind in ("less_than_equal", "less_than"):
        return f"must be at most {ctx.get('le', ctx.get('lt'))}", ""
    if kind == "list_type":
        return "expected a list (lines starting with '- ')", ""
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "expected a mapping of key: value pairs", ""
    if kind == "value_error":
        return str(ctx.get("error", err["msg"])), ""
    return err["msg"], ""


def validation_errors(exc: ValidationError, doc: YamlDoc, model: type[BaseModel],
                      prefix: tuple[str | int, ...] = ()) -> list[DataError]:
    """Located errors for ``exc``; ``prefix`` is where the validated value sits in ``doc``."""
    out = []
    for err in exc.errors(include_url=False):
        loc = (*prefix, *err["loc"])
        message, hint = _describe(err, model)
        out.append(DataError(doc.path, doc.line(loc), format_path(loc) or "(file)", message, hint))
    return out
