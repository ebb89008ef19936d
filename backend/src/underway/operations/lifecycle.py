"""Status changes with their events: written in order through the event writer, then published."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

from underway.operations.models import EventType, Operation, OperationEvent
from underway.operations.observers import OperationObserver
from underway.operations.status import OperationStatus
from underway.progress.writer import EventWriter
from underway.store.mapping import operation_of
from underway.store.operations_repo import HeldBy, OperationRepository
from underway.store.tables import OperationRow
from underway.store.timeutil import as_utc


class Lifecycle:
    def __init__(
        self,
        repo: OperationRepository,
        writer: EventWriter,
        observers: Sequence[OperationObserver] = (),
    ) -> None:
        self._repo = repo
        self._writer = writer
        self.observers = list(observers)

    async def move(
        self,
        operation_id: str,
        target: OperationStatus,
        *,
        message: str | None = None,
        percent: float | None = None,
        fields: dict[str, Any] | None = None,
        only_from: Sequence[OperationStatus] | None = None,
        held_by: HeldBy | None = None,
        event_type: EventType = EventType.STATUS,
    ) -> OperationRow | None:
        """Apply a legal transition (compare-and-set) with its event; None if the race was lost."""
        row = await self._write(
            lambda: self._repo.transition(
                operation_id,
                target,
                message=message,
                percent=percent,
                fields=fields,
                only_from=only_from,
                held_by=held_by,
                event_type=event_type,
            )
        )
        if row is not None and target.is_terminal:
            run_s = None
            if row.started_at is not None and row.finished_at is not None:
                run_s = (as_utc(row.finished_at) - as_utc(row.started_at)).total_seconds()
            op = operation_of(row)
            for obs in self.observers:
                obs.finished(op, target, run_s)
        return row

    async def claim(
        self, row: OperationRow, worker_id: str, *, max_running_per_user: int, now: datetime
    ) -> OperationRow | None:
        """queued -> running for ``worker_id``; None if taken, cancelled, reserved or over the limit."""
        return await self._write(
            lambda: self._repo.claim(
                row.id, row.owner, worker_id, max_running_per_user=max_running_per_user, now=now
            )
        )

    async def _write(
        self, transition: Callable[[], Awaitable[tuple[OperationRow, OperationEvent] | None]]
    ) -> OperationRow | None:
        """Run a transition in order with the queued events, then publish its committed event."""

        async def write() -> OperationRow | None:
            done = await transition()
            if done is None:
                return None
            row, event = done
            self._writer.publish([event])
            return row

        row: OperationRow | None = await self._writer.call(write)
        return row

    def submitted(self, op: Operation) -> None:
        for obs in self.observers:
            obs.submitted(op)

    def started(self, op: Operation, latency_s: float) -> None:
        for obs in self.observers:
            obs.started(op, latency_s)

    async def record_artifact(self, operation_id: str, artifact: dict[str, Any]) -> None:
        await self._writer.call(lambda: self._repo.add_artifact(operation_id, artifact))
