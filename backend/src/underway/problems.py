"""RFC 9457 problem details: the one shape of every error the API sends and the SDK reads.

Shared by the server (``underway.api``) and the SDK (``underway.client``), so it imports pydantic
only: the SDK must not load the web framework.

``type`` is ``about:blank`` for plain HTTP conditions (unknown route, wrong method, ...), where the
status says it all, and one of :class:`ProblemType` where clients may want to react to the specific
condition. Those URNs are identifiers, not links.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

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
    SIGNATURE_INVALID = "urn:underway:problem:signature-invalid"
    TIMESTAMP_STALE = "urn:underway:problem:timestamp-stale"
    DISABLED = "urn:underway:problem:disabled"


class FieldProblem(BaseModel):
    """One invalid field of a 422: ``loc`` is its path (``["body", "params", "month"]``)."""

    loc: list[str | int]
    msg: str
    type: str


class Problem(BaseModel):
    """An error response (``application/problem+json``)."""

    # Extension members (``operation_id``, ``checks``, ``error_id``...) are kept.
    model_config = ConfigDict(extra="allow")

    type: str = Field(ProblemType.BLANK.value, description="Identifies the kind of problem.")
    title: str = Field(description="Short summary of the kind of problem.")
    status: int
    detail: str | None = Field(None, description="What went wrong this time, for humans.")
    instance: str | None = Field(None, description="The request path.")
    errors: list[FieldProblem] | None = Field(None, description="Invalid fields (422 only).")
    retry_after: int | None = Field(None, description="Seconds to wait before retrying (429, 503).")

    def extra(self, name: str) -> Any:
        """An extension member such as ``operation_id`` on an idempotency conflict."""
        return (self.model_extra or {}).get(name)
