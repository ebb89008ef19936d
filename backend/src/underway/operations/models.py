"""Public, typed views of operations, their progress and events.

These pydantic models are the contract every adapter shares: the API serialises them, the SDK parses
them, the web app's TypeScript types are generated from them. Change them like a public API.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from underway.operations.status import OperationStatus
from underway.views import View

JsonObject = dict[str, Any]


class Priority(StrEnum):
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"

    @property
    def rank(self) -> int:
        """Lower runs first."""
        return _PRIORITY_RANK[self]


_PRIORITY_RANK = {Priority.HIGH: 0, Priority.NORMAL: 1, Priority.LOW: 2}


class EventType(StrEnum):
    STATUS = "status"
    PROGRESS = "progress"
    STAGE = "stage"
    LOG = "log"


LogLevel = Literal["debug", "info", "warning", "error"]


class Progress(View):
    """Where an operation stands. ``percent`` is weighted by stage weights and never goes down while running."""

    percent: float = Field(0.0, ge=0, le=100)
    stage: str | None = None
    stage_index: int | None = Field(None, ge=0, description="0-based index of the current stage.")
    total_stages: int = Field(0, ge=0)
    message: str | None = None
    eta_s: float | None = Field(None, ge=0, description="Estimated seconds until the operation finishes.")


class OperationEvent(Progress):
    """One entry of an operation's event log. ``seq`` counts 1, 2, 3... per operation with no gaps."""

    model_config = ConfigDict(title="OperationEvent")

    seq: int = Field(ge=1)
    operation_id: str
    type: EventType
    status: OperationStatus
    level: LogLevel | None = Field(None, description="Set on log events.")
    ts: datetime


class Artifact(View):
    name: str
    size: int = Field(ge=0)
    media_type: str
    created_at: datetime


class Operation(View):
    """An operation as users see it."""

    id: str
    workflow: str
    status: OperationStatus
    priority: Priority
    owner: str
    params: JsonObject
    metadata: JsonObject
    progress: Progress
    queue_position: int | None = Field(None, description="1-based position in the queue while queued.")
    blocked_reason: str | None = Field(
        None,
        description="While queued: why it cannot start now (no live worker can run its workflow).",
    )
    timeout_s: float
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    result: Any = None
    error: str | None = None
    artifacts: list[Artifact] = Field(default_factory=list)
    last_seq: int = Field(0, ge=0, description="Sequence number of the newest event.")
    attempt: int = Field(1, ge=1, description="Increases when an interrupted operation is re-queued.")
    callback_url: str | None = Field(
        None, description="Receives a signed webhook when the operation finishes (see docs/webhooks.md)."
    )


class OperationPage(View):
    items: list[Operation]
    next_cursor: str | None = Field(
        None, description="Pass as `cursor` to get the next page; null on the last."
    )


class OperationFilter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    owner: str | None = None
    status: list[OperationStatus] | None = None
    workflow: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None


class Stats(View):
    """Dashboard figures, for one user or (for admins) everyone."""

    active: int = Field(description="Queued, running or cancelling.")
    queued: int
    running: int
    completed_today: int = Field(description="Completed since midnight UTC.")
    finished_today: int = Field(description="Reached any terminal status since midnight UTC.")
    success_rate: float | None = Field(None, description="Completed / finished over the last 7 days, 0..1.")
    avg_duration_s: float | None = Field(
        None, description="Mean run time of completed operations, last 7 days."
    )


class UserUsage(View):
    owner: str
    queued: int
    running: int


class QueueSnapshot(View):
    depth_by_priority: dict[Priority, int]
    queued: int
    running: int
    capacity: int
    workers: int
    max_queued_per_user: int
    max_running_per_user: int
    per_user: list[UserUsage]
