"""Parameters typed in a chat: read by the workflow's JSON Schema, explained in plain words when
invalid, and asked for one at a time when required ones are missing."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from underway.operations.errors import FieldError

_NULLS = {"null", "none"}


def properties(schema: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    props = schema.get("properties", {})
    return dict(props) if isinstance(props, dict) else {}


def _resolve(schema: Mapping[str, Any], prop: Mapping[str, Any]) -> dict[str, Any]:
    ref = prop.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        found = schema.get("$defs", {}).get(ref.removeprefix("#/$defs/"), {})
        return {**found, **{k: v for k, v in prop.items() if k != "$ref"}}
    return dict(prop)


def _variants(schema: Mapping[str, Any], prop: Mapping[str, Any]) -> list[dict[str, Any]]:
    resolved = _resolve(schema, prop)
    options = resolved.get("anyOf") or resolved.get("oneOf")
    if isinstance(options, list):
        return [_resolve(schema, o) for o in options if isinstance(o, dict)]
    return [resolved]


def _is_list(schema: Mapping[str, Any], prop: Mapping[str, Any]) -> bool:
    return any(v.get("type") == "array" for v in _variants(schema, prop))


def _nullable(schema: Mapping[str, Any], prop: Mapping[str, Any]) -> bool:
    return any(v.get("type") == "null" for v in _variants(schema, prop))


def coerce(schema: Mapping[str, Any], key: str, raw: str) -> Any:
    """A typed value for the workflow's model: JSON when it looks like JSON, a list split at commas
    for list fields, null for an optional field given `null`; otherwise the text, which the model's
    own (lax) validation turns into numbers, booleans and dates."""
    prop = properties(schema).get(key)
    text = raw.strip()
    if text[:1] in "[{":
        try:
            return json.loads(text)
        except ValueError:
            pass
    if prop is None:
        return text
    if text.lower() in _NULLS and _nullable(schema, prop):
        return None
    if _is_list(schema, prop):
        return [part.strip() for part in text.split(",") if part.strip()]
    return text


def coerce_all(schema: Mapping[str, Any], raw: Mapping[str, str]) -> dict[str, Any]:
    return {key: coerce(schema, key, value) for key, value in raw.items()}


def missing_required(schema: Mapping[str, Any], given: Mapping[str, Any]) -> list[str]:
    """Required fields not given, in the model's order."""
    required = schema.get("required", [])
    return [key for key in properties(schema) if key in required and key not in given]


def _options(schema: Mapping[str, Any], prop: Mapping[str, Any]) -> list[str]:
    for variant in _variants(schema, prop):
        if "enum" in variant:
            return [str(v) for v in variant["enum"]]
        items = variant.get("items")
        if isinstance(items, dict):
            inner = _resolve(schema, items)
            if "enum" in inner:
                return [str(v) for v in inner["enum"]]
    return []


def prompt(schema: Mapping[str, Any], key: str) -> str:
    """The question asking for one field: its title, description, choices and an example."""
    prop = properties(schema).get(key, {})
    title = prop.get("title") or key
    lines = [f"{title} ({key})?"]
    if prop.get("description"):
        lines.append(str(prop["description"]))
    options = _options(schema, prop)
    if options:
        several = " (several: separate with commas)" if _is_list(schema, prop) else ""
        lines.append(f"One of: {', '.join(options)}{several}.")
    examples = prop.get("examples")
    if isinstance(examples, list) and examples:
        example = examples[0]
        shown = ",".join(map(str, example)) if isinstance(example, list) else str(example)
        lines.append(f"For example: {shown}")
    lines.append("Send /cancel to stop.")
    return "\n".join(lines)


def _where(loc: Sequence[str | int]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the parameters"


def _plain(msg: str) -> str:
    msg = msg.removeprefix("Value error, ")
    if msg.startswith("Input should"):
        msg = "should" + msg.removeprefix("Input should")
    return msg[:1].lower() + msg[1:]


def explain(
    workflow: str, schema: Mapping[str, Any], errors: Sequence[FieldError], given: Mapping[str, Any]
) -> list[str]:
    """One plain sentence per invalid field, e.g. "month should be less than or equal to 12 (you
    wrote 13)"."""
    known = list(properties(schema))
    lines: list[str] = []
    for error in errors:
        key = error.loc[0] if error.loc else None
        where = _where(error.loc)
        if error.type == "extra_forbidden":
            lines.append(f"{where} is not a parameter of {workflow}. It takes: {', '.join(known)}.")
        elif error.type == "missing":
            lines.append(f"{where} is required.")
        else:
            wrote = given.get(key) if isinstance(key, str) else None
            suffix = f" (you wrote {_shown(wrote)})" if wrote is not None and len(error.loc) == 1 else ""
            lines.append(f"{where} {_plain(error.msg)}{suffix}.".replace("..", "."))
    return lines


def _shown(value: Any) -> str:
    return ",".join(map(str, value)) if isinstance(value, list) else str(value)


def describe(params: Mapping[str, Any]) -> str:
    """``month=6 formats=pdf,xlsx``: parameters as the user would type them."""
    if not params:
        return "the default parameters"
    return " ".join(f"{k}={_quoted(_shown(v))}" for k, v in params.items())


def _quoted(text: str) -> str:
    return f'"{text}"' if (not text or any(c.isspace() for c in text)) else text
