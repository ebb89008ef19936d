"""From a delivered JSON document to a workflow's parameters: JSON pointers (RFC 6901) and fixed values."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from underway.triggers.errors import InvalidTrigger, Unmappable


def resolve_pointer(document: Any, pointer: str) -> Any:
    """The value at ``pointer`` (``""`` is the whole document); Unmappable if there is none."""
    if pointer == "":
        return document
    value = document
    for raw in pointer[1:].split("/"):
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(value, dict) and token in value:
            value = value[token]
        elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
            value = value[int(token)]
        else:
            raise Unmappable(f"the delivered JSON has nothing at {pointer}")
    return value


def build_params(payload: Any, fixed: dict[str, Any], mapping: dict[str, str] | None) -> dict[str, Any]:
    if mapping is None:
        if not isinstance(payload, dict):
            raise Unmappable("the delivered JSON must be an object (it is the parameters)")
        return {**payload, **fixed}
    mapped = {name: resolve_pointer(payload, pointer) for name, pointer in mapping.items()}
    return {**mapped, **fixed}


def check_definition(model: type[BaseModel], fixed: dict[str, Any], mapping: dict[str, str] | None) -> None:
    """Names that the workflow's parameters have, fixed values of the right type, pointers well formed."""
    fields = model.model_fields
    for name, value in fixed.items():
        if name not in fields:
            raise InvalidTrigger("fixed_params", f"the workflow has no parameter {name!r}")
        info = fields[name]
        try:
            TypeAdapter(info.annotation).validate_python(value)  # type: ignore[arg-type]
        except ValidationError as exc:
            raise InvalidTrigger("fixed_params", f"{name}: {exc.errors()[0]['msg']}") from None
    for name, pointer in (mapping or {}).items():
        if name not in fields:
            raise InvalidTrigger("params_mapping", f"the workflow has no parameter {name!r}")
        if pointer and not pointer.startswith("/"):
            raise InvalidTrigger(
                "params_mapping", f"{name}: a JSON pointer starts with '/' (got {pointer!r})"
            )
