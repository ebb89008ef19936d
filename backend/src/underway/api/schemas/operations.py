"""What clients send to the operations routes: the submit body and the list filters.

Responses are the core's public models (:mod:`underway.operations.models`) used as they are, so the
SDK, the API and the web app share one contract.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Header, Path
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from underway.operations.models import JsonObject, OperationFilter, Priority
from underway.operations.status import OperationStatus

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50
# Visible ASCII and spaces: keys are compared byte for byte and stored as they are, so nothing a
# proxy might rewrite (control characters, non-ASCII) gets in.
IDEMPOTENCY_KEY_PATTERN = r"^[\x20-\x7e]+$"
IDEMPOTENCY_KEY_MAX = 200
# Ids and names in paths and filters: printable text only. A NUL byte would otherwise reach
# PostgreSQL, which refuses it in text with an error rather than a mere "no match".
PRINTABLE_PATTERN = r"^[^\x00-\x1f\x7f]+$"
NAME_MAX = 200
# Cursors are URL-safe base64 (see the store's encode_cursor).
CURSOR_PATTERN = r"^[A-Za-z0-9_-]+$"


def _utc(value: datetime) -> datetime:
    # Naive means UTC (as everywhere in the store). Converting here turns a date near the ends of
    # the calendar that overflows in UTC into a 422 instead of an error deep in the query.
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("date is out of range once converted to UTC") from None


UtcDatetime = Annotated[datetime, AfterValidator(_utc)]


class OperationSubmit(BaseModel):
    """A request to run a workflow."""

    model_config = ConfigDict(extra="forbid")

    workflow: str = Field(
        min_length=1, max_length=NAME_MAX, description="Workflow name, e.g. `demo.sleep` (see /workflows)."
    )
    params: JsonObject = Field(
        default_factory=dict, description="Parameters, validated against the workflow's `params_schema`."
    )
    priority: Priority = Priority.NORMAL
    timeout_s: float | None = Field(
        None,
        gt=0,
        allow_inf_nan=False,
        description="Seconds before the operation is stopped as timed out; unset: the server default.",
    )
    metadata: JsonObject = Field(
        default_factory=dict, description="Free-form JSON kept with the operation (at most 16 KiB)."
    )
    callback_url: str | None = Field(
        None,
        max_length=2048,
        description="Receives one signed webhook when the operation finishes (completed, failed, "
        "cancelled or timed out), signed with your default webhook secret. Public http(s) URLs only.",
    )


class OperationFilters(BaseModel):
    """Filters of an operation listing or export (query parameters)."""

    status: list[OperationStatus] | None = Field(None, description="Repeat to match any of several.")
    workflow: str | None = Field(None, max_length=NAME_MAX, pattern=PRINTABLE_PATTERN)
    created_after: UtcDatetime | None = Field(None, description="Inclusive; without a zone: UTC.")
    created_before: UtcDatetime | None = Field(None, description="Exclusive; without a zone: UTC.")

    def to_filter(self, owner: str | None) -> OperationFilter:
        return OperationFilter(
            owner=owner,
            status=self.status,
            workflow=self.workflow,
            created_after=self.created_after,
            created_before=self.created_before,
        )


class OperationQuery(OperationFilters):
    """Filters and paging of an operation listing (query parameters)."""

    cursor: str | None = Field(
        None, max_length=1000, pattern=CURSOR_PATTERN, description="`next_cursor` of the previous page."
    )
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


_OWNER_FILTER = Field(
    None, max_length=NAME_MAX, pattern=PRINTABLE_PATTERN, description="Only this user's operations."
)


class AdminOperationQuery(OperationQuery):
    owner: str | None = _OWNER_FILTER


class AdminOperationFilters(OperationFilters):
    owner: str | None = _OWNER_FILTER


# Operation ids are UUIDs today; the bound only has to be generous and keep junk out of queries.
OperationId = Annotated[
    str, Path(max_length=NAME_MAX, pattern=PRINTABLE_PATTERN, description="The operation's id.")
]
ArtifactName = Annotated[
    str, Path(max_length=NAME_MAX, pattern=PRINTABLE_PATTERN, description="The artifact's file name.")
]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=IDEMPOTENCY_KEY_MAX,
        pattern=IDEMPOTENCY_KEY_PATTERN,
        description="Makes retries safe: the same key and body within your operations return the "
        "operation created first; the same key with another body is a 409.",
    ),
]
# The store's event sequence numbers are 32-bit; larger values could only be typos or probes.
MAX_SEQ = 2**31 - 1
