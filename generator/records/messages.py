"""Turn pydantic validation errors into located, plain-language DataErrors."""

from __future__ import annotations

import difflib
import re
from typing import Any

from pydantic import BaseModel, ValidationError

from generator.errors import DataError
from generator.messages import Choices, Msg, RuleError, join, msg
from generator.records.schema import ATTENDED_PATTERN, CADRE_POST_PATTERN
from generator.records.yamlio import YamlDoc, format_path

_PATTERNS = {
    "^[a-z0-9]+(?:-[a-z0-9]+)*$": "schema.pattern.slug",
    "^20[0-9]{2}-H[12]$": "schema.pattern.period",
    "^https?://\\S+$": "schema.pattern.url",
    "^[a-z0-9-]+/[a-z0-9-]+$": "schema.pattern.community_key",
    CADRE_POST_PATTERN: "schema.pattern.cadre_post",
    ATTENDED_PATTERN: "schema.pattern.attended",
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
RENAMED: dict[str, tuple[str, str]] = {"cycle": ("cycles", "schema.hint.renamed_cycle")}

_SIMPLE = {
    "missing": "schema.missing",
    "date_type": "schema.date", "date_parsing": "schema.date", "date_from_datetime_inexact": "schema.date",
    "date_from_datetime_parsing": "schema.date",
    "bool_type": "schema.bool",
    "int_type": "schema.int", "int_from_float": "schema.int",
    "float_type": "schema.number",
    "string_too_short": "schema.empty",
    "list_type": "schema.list",
    "model_type": "schema.mapping", "dict_type": "schema.mapping", "model_attributes_type": "schema.mapping",
}
_LIMITS = {"greater_than_equal": ("schema.at_least", "ge"), "greater_than": ("schema.more_than", "gt"),
           "less_than_equal": ("schema.at_most", "le"), "less_than": ("schema.less_than", "lt")}


def _describe(err: dict[str, Any], model: type[BaseModel]) -> Msg:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    loc = tuple(err["loc"])
    renamed = RENAMED.get(str(loc[-1])) if loc else None
    if kind == "extra_forbidden" and renamed and renamed[0] in _allowed_keys(model, loc):
        return msg("schema.unknown_key", hint=msg(renamed[1]))
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, loc)
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        # Msg(...) directly: msg() cannot take a parameter called "key" (its own first argument).
        hint = (Msg("schema.hint.did_you_mean", (("key", close[0]),)) if close
                else msg("schema.hint.allowed_keys", keys=join(allowed)) if allowed else None)
        return msg("schema.unknown_key", hint=hint)
    if kind in _SIMPLE:
        return msg(_SIMPLE[kind])
    if kind == "string_type":
        return msg("schema.text", hint=msg("schema.hint.quote") if err.get("input") is not None else None)
    if kind == "literal_error":
        expected = str(ctx.get("expected", ""))
        options = re.findall(r"'((?:[^'\\]|\\.)*)'", expected)  # listed per language when shown (、 or ", … or")
        return msg("schema.one_of", options=Choices(tuple(options)) if options else expected.replace("'", ""))
    if kind == "string_pattern_mismatch":
        return msg(_PATTERNS.get(ctx.get("pattern", ""), "schema.format"))
    if kind == "string_too_long":
        return msg("schema.too_long", max=ctx.get("max_length"))
    if kind == "too_short":
        return msg("schema.too_few", min=ctx.get("min_length"))
    if kind in _LIMITS:
        key, name = _LIMITS[kind]
        return msg(key, limit=ctx.get(name))
    error = ctx.get("error")
    if kind == "value_error" and isinstance(error, RuleError):
        return error.message
    return msg("schema.invalid", detail=str(error) if error is not None else err["msg"])


def validation_errors(exc: ValidationError, doc: YamlDoc, model: type[BaseModel],
                      prefix: tuple[str | int, ...] = ()) -> list[DataError]:
    """Located errors for ``exc``; ``prefix`` is where the validated value sits in ``doc``."""
    out = []
    for err in exc.errors(include_url=False):
        loc = (*prefix, *err["loc"])
        out.append(DataError(doc.path, doc.line(loc), format_path(loc), _describe(err, model)))
    return out
