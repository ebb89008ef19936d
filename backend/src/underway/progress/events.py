"""Event drafts: what a running operation says before the writer gives it a ``seq``."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from underway.operations.models import EventType, LogLevel, OperationEvent, Progress
from underway.operations.status import OperationStatus

_clock_lock = threading.Lock()
_last_now = datetime.min.replace(tzinfo=UTC)


def utcnow() -> datetime:
    """The wall clock, never going backwards within this process.

    Events are stamped when they are numbered, so ``ts`` follows ``seq``; a clock stepped back (NTP)
    must not make a later event look older than an earlier one."""
    global _last_now
    now = datetime.now(UTC)
    with _clock_lock:
        now = max(now, _last_now)
        _last_now = now
    return now


@dataclass(frozen=True)
class EventDraft:
    """An event without its ``seq``.

    For a running operation, ``status`` and ``ts`` are provisional: the repository replaces them with
    the operation's status and the time at which it numbers the event, so an event numbered after
    ``cancelling`` says ``cancelling`` and ``ts`` never goes backwards against ``seq``."""

    operation_id: str
    type: EventType
    status: OperationStatus
    progress: Progress
    level: LogLevel | None = None
    ts: datetime = field(default_factory=utcnow)

    def with_seq(
        self, seq: int, *, status: OperationStatus | None = None, ts: datetime | None = None
    ) -> OperationEvent:
        return OperationEvent(
            seq=seq,
            operation_id=self.operation_id,
            type=self.type,
            status=status or self.status,
            level=self.level,
            ts=ts or self.ts,
            **self.progress.model_dump(),
        )


class EventSink(Protocol):
    """Where a running operation sends its events (the event writer). Must never block."""

    def emit(self, draft: EventDraft) -> None: ...
