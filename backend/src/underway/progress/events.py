"""Event drafts: what a running operation says before the writer gives it a ``seq``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from underway.operations.models import EventType, LogLevel, OperationEvent, Progress
from underway.operations.status import OperationStatus


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class EventDraft:
    operation_id: str
    type: EventType
    status: OperationStatus
    progress: Progress
    level: LogLevel | None = None
    ts: datetime = field(default_factory=utcnow)

    def with_seq(self, seq: int) -> OperationEvent:
        return OperationEvent(
            seq=seq,
            operation_id=self.operation_id,
            type=self.type,
            status=self.status,
            level=self.level,
            ts=self.ts,
            **self.progress.model_dump(),
        )


class EventSink(Protocol):
    """Where a running operation sends its events (the event writer). Must never block."""

    def emit(self, draft: EventDraft) -> None: ...
