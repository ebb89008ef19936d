"""RFC 9457 problem details: the one shape of every error response.

``type`` is ``about:blank`` for plain HTTP conditions (unknown route, wrong method, ...), where the
status says it all, and one of :class:`ProblemType` where clients may want to react to the specific
condition. Those URNs are identifiers, not links.
"""

from __future__ import annotations

from enum import StrEnum
from http import HTTPStatus
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import JSONResponse

PROBLEM_MEDIA_TYPE = "application/problem+json"


class ProblemType(StrEnum):
    BLANK = "about:blank"
    VALIDATION = "urn:underway:problem:validation-error"
    UNAUTHENTICATED = "urn:underway:problem:unauthenticated"
    INVALID_CREDENTIALS = "urn:underway:problem:invalid-credentials"
    ACCOUNT_DISABLED = "urn:underway:problem:account-disabled"
    FORBIDDEN = "urn:underway:problem:forbidden"
    NOT_FOUND = "urn:underway:problem:not-found"
    CONFLICT = "urn:underway:problem:conflict"
    RATE_LIMITED = "urn:underway:problem:rate-limited"
    QUOTA_EXCEEDED = "urn:underway:problem:quota-exceeded"
    QUEUE_FULL = "urn:underway:problem:queue-full"
    NOT_READY = "urn:underway:problem:not-ready"
    INTERNAL = "urn:underway:problem:internal-error"


class FieldProblem(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class Problem(BaseModel):
    """An error response (``application/problem+json``)."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(ProblemType.BLANK.value, description="Identifies the kind of problem.")
    title: str = Field(description="Short summary of the kind of problem.")
    status: int
    detail: str | None = Field(None, description="What went wrong this time, for humans.")
    instance: str | None = Field(None, description="The request path.")
    errors: list[FieldProblem] | None = Field(None, description="Invalid fields (422 only).")
    retry_after: int | None = Field(None, description="Seconds to wait before retrying (429, 503).")


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
