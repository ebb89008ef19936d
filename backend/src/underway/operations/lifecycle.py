"""Status changes with their events, and the observers (metrics) that watch them.

Every write goes through the store writer's one queue (store/writer/thread.py), in the order it is
made: a workflow's events, then its settlement, so nothing lands after an operation's terminal
event. Events are published when their batch has committed, before the caller resumes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from underway.operations.models import EventType, Operation
from underway.operations.observers import OperationObserver
from underway.operations.status import OperationStatus
from underway.store.mapping import operation_of
from underway.store.operations_repo import HeldBy, OperationRepository
from underway.store.records import OperationRecord
from underway.store.timeutil import as_utc
from underway.store.writer.settle import Settle


class Lifecycle:
    def __init__(self, repo: OperationRepository, observers: Sequence[OperationObserver] = ()) -> None:
        self._repo = repo
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
    ) -> OperationRecord | None:
        """Apply a legal transition (compare-and-set) with its event; None if the race was lost."""
        row = await self._repo.transition(
            operation_id,
            target,
            message=message,
            percent=percent,
            fields=fields,
            only_from=only_from,
            held_by=held_by,
            event_type=event_type,
        )
        if row is not None and target.is_terminal:
            self._finished(row, target)
        return row

    async def settle(self, settle: Settle) -> OperationRecord | None:
        """A run's outcome, guarded by the worker's hold (see store/writer/settle.py)."""
        row = await self._repo.settle(settle)
        if row is not None:
            self._finished(row, settle.status)
        return row

    def _finished(self, row: OperationRecord, status: OperationStatus) -> None:
        if not self.observers:
            return
        run_s = None
        if row.started_at is not None and row.finished_at is not None:
            run_s = (as_utc(row.finished_at) - as_utc(row.started_at)).total_seconds()
        op = operation_of(row)
        for obs in self.observers:
            obs.finished(op, status, run_s)

    async def claim(
        self,
        worker_id: str,
        limit: int,
        *,
        workflows: Sequence[str],
        max_running_per_user: int,
        reserved_only: bool = False,
    ) -> list[OperationRecord]:
        """queued -> running for ``worker_id``: up to ``limit`` operations in queue order."""
        rows = await self._repo.claim(
            worker_id=worker_id,
            limit=limit,
            workflows=workflows,
            max_running_per_user=max_running_per_user,
            reserved_only=reserved_only,
        )
        if self.observers:
            for row in rows:
                op = operation_of(row)
                assert row.started_at is not None
                latency = (as_utc(row.started_at) - as_utc(row.enqueued_at)).total_seconds()
                for obs in self.observers:
                    obs.started(op, latency)
        return rows

    def submitted(self, op: Operation) -> None:
        for obs in self.observers:
            obs.submitted(op)

    async def record_artifact(self, operation_id: str, artifact: dict[str, Any]) -> None:
        await self._repo.add_artifact(operation_id, artifact)
