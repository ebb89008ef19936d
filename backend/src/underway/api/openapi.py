"""OpenAPI details: operation ids and problem+json error bodies.

Operation ids are ``{first tag}-{route name}``, e.g. ``auth-token``, ``apiKeys-create``. They name
the generated client's functions, so they must be stable and unique; a route without a tag fails at
start-up rather than getting an accidental id.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from underway.problems import PROBLEM_MEDIA_TYPE, Problem

_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


def operation_id(route: APIRoute) -> str:
    if not route.tags:
        raise ValueError(f"route {route.path} has no tag; every API route needs one")
    return f"{route.tags[0]}-{route.name}"


def document_problems(app: FastAPI) -> None:
    """Describe error bodies as they are sent: ``application/problem+json`` with the Problem schema.

    FastAPI files every declared response model under ``application/json`` and documents 422 with
    its own error shape; both are corrected once, when the schema is first built.
    """
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            _rewrite(build())
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _rewrite(schema: dict[str, Any]) -> None:
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    if "Problem" not in schemas:
        problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(problem.pop("$defs", {}))
        schemas["Problem"] = problem
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for status, response in operation.get("responses", {}).items():
                if status[:1] in ("4", "5"):
                    response["content"] = {PROBLEM_MEDIA_TYPE: {"schema": _PROBLEM_REF}}
    # FastAPI's own 422 shapes, now unreferenced (the first refers to the second).
    for name in ("HTTPValidationError", "ValidationError"):
        if f'"#/components/schemas/{name}"' not in json.dumps(schema):
            schemas.pop(name, None)
