"""The webhook event: a stable, versioned JSON body.

::

    {"type": "operation.completed", "version": 1, "timestamp": "2026-12-07T10:00:00.123456Z",
     "data": {"operation": {...the operation as GET /operations/{id} shows it...},
              "url": "https://underway.example.com/api/v1/operations/0f3c..."}}

``version`` changes only when a field is removed or changes meaning; new fields may appear at any
time, so receivers must ignore what they do not know.
"""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum
from typing import Any

from underway.operations.models import Operation
from underway.operations.status import OperationStatus

EVENT_VERSION = 1


class WebhookEventType(StrEnum):
    OPERATION_STARTED = "operation.started"
    OPERATION_COMPLETED = "operation.completed"
    OPERATION_FAILED = "operation.failed"
    OPERATION_CANCELLED = "operation.cancelled"
    OPERATION_TIMED_OUT = "operation.timed_out"
    TEST = "webhook.test"


SUBSCRIBABLE = (
    WebhookEventType.OPERATION_COMPLETED,
    WebhookEventType.OPERATION_FAILED,
    WebhookEventType.OPERATION_CANCELLED,
    WebhookEventType.OPERATION_TIMED_OUT,
    WebhookEventType.OPERATION_STARTED,
)
TERMINAL_EVENTS = SUBSCRIBABLE[:4]

EVENT_OF_STATUS: dict[OperationStatus, WebhookEventType] = {
    OperationStatus.RUNNING: WebhookEventType.OPERATION_STARTED,
    OperationStatus.COMPLETED: WebhookEventType.OPERATION_COMPLETED,
    OperationStatus.FAILED: WebhookEventType.OPERATION_FAILED,
    OperationStatus.CANCELLED: WebhookEventType.OPERATION_CANCELLED,
    OperationStatus.TIMED_OUT: WebhookEventType.OPERATION_TIMED_OUT,
}


def operation_url(public_url: str, operation_id: str) -> str:
    return f"{public_url}/api/v1/operations/{operation_id}"


def event_body(event_type: WebhookEventType, at: datetime, data: dict[str, Any]) -> str:
    """The exact text that is signed and sent (kept, so every retry sends the same bytes)."""
    body = {"type": event_type.value, "version": EVENT_VERSION, "timestamp": _iso(at), "data": data}
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False)


def operation_event_body(
    event_type: WebhookEventType, at: datetime, operation: Operation, public_url: str
) -> str:
    return event_body(
        event_type,
        at,
        {"operation": operation.model_dump(mode="json"), "url": operation_url(public_url, operation.id)},
    )


def _iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")
