"""Conversion between table rows and the public models."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from underway.operations.models import Artifact, Operation, OperationEvent, Priority, Progress
from underway.operations.status import OperationStatus
from underway.store.records import OperationRecord
from underway.store.tables import EventRow
from underway.store.timeutil import as_utc, as_utc_or_none


def progress_of(row: OperationRecord) -> Progress:
    return Progress(
        percent=row.percent,
        stage=row.stage,
        stage_index=row.stage_index,
        total_stages=row.total_stages,
        message=row.message,
        eta_s=row.eta_s,
    )


def operation_of(row: OperationRecord, queue_position: int | None = None) -> Operation:
    status = OperationStatus(row.status)
    return Operation(
        id=row.id,
        workflow=row.workflow,
        status=status,
        priority=Priority(row.priority),
        owner=row.owner,
        params=row.params,
        metadata=row.metadata,
        progress=progress_of(row),
        queue_position=queue_position if status is OperationStatus.QUEUED else None,
        timeout_s=row.timeout_s,
        created_at=as_utc(row.created_at),
        started_at=as_utc_or_none(row.started_at),
        finished_at=as_utc_or_none(row.finished_at),
        result=row.result,
        error=row.error,
        artifacts=[Artifact.model_validate(a) for a in row.artifacts],
        last_seq=row.last_seq,
        attempt=row.attempt,
        callback_url=row.callback_url,
    )


def event_of(row: EventRow) -> OperationEvent:
    return OperationEvent.model_validate(
        {**row.model_dump(), "ts": as_utc(row.ts)},
    )


_EVENT_FIELDS = tuple(OperationEvent.model_fields)


def event_of_mapping(values: Mapping[Any, Any]) -> OperationEvent:
    """An event from the column values a Core statement returned."""
    fields = {name: values[name] for name in _EVENT_FIELDS}
    fields["ts"] = as_utc(fields["ts"])
    return OperationEvent.model_validate(fields)


def event_values(event: OperationEvent) -> dict[str, Any]:
    """Column values of an event row (for Core inserts on the hot path)."""
    return {
        "operation_id": event.operation_id,
        "seq": event.seq,
        "type": event.type.value,
        "status": event.status.value,
        "stage": event.stage,
        "stage_index": event.stage_index,
        "total_stages": event.total_stages,
        "percent": event.percent,
        "message": event.message,
        "eta_s": event.eta_s,
        "level": event.level,
        "ts": event.ts,
    }
