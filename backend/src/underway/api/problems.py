"""Problem+json responses of the API; the shape itself is :mod:`underway.problems`, shared with the SDK."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from starlette.responses import JSONResponse

from underway.problems import PROBLEM_MEDIA_TYPE, FieldProblem, Problem, ProblemType


def problem_response(
    status: int,
    *,
    detail: str | None = None,
    type_: ProblemType = ProblemType.BLANK,
    title: str | None = None,
    instance: str | None = None,
    errors: list[FieldProblem] | None = None,
    retry_after: int | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": type_.value,
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": instance,
    }
    if errors is not None:
        body["errors"] = [e.model_dump() for e in errors]
    out_headers = dict(headers or {})
    if retry_after is not None:
        body["retry_after"] = retry_after
        out_headers["Retry-After"] = str(retry_after)
    body.update(extra or {})
    return JSONResponse(body, status_code=status, headers=out_headers, media_type=PROBLEM_MEDIA_TYPE)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries documenting problem+json bodies for these statuses."""
    return {
        status: {
            "model": Problem,
            "description": HTTPStatus(status).phrase,
            "content": {PROBLEM_MEDIA_TYPE: {}},
        }
        for status in statuses
    }
