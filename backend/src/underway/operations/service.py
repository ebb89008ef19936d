"""The operations service: the one API every adapter (HTTP, WebSocket, CLI, SDK) goes through."""

from __future__ import annotations

import asyncio
import builtins
import hashlib
import json
import uuid
from collections.abc import AsyncGenerator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from underway.operations.errors import (
    ArtifactNotFound,
    InvalidSubmission,
    OperationFinished,
    OperationNotFound,
    WorkerAlive,
    WorkerNotFound,
)
from underway.operations.lifecycle import Lifecycle
from underway.operations.models import (
    Artifact,
    EventType,
    Operation,
    OperationEvent,
    OperationFilter,
    OperationPage,
    Priority,
    Progress,
    QueueSnapshot,
    Stats,
    UserUsage,
)
from underway.operations.recovery import Recovery
from underway.operations.status import OperationStatus
from underway.progress.broker import EventBroker, Lagged
from underway.progress.events import EventDraft
from underway.queue.dispatcher import Dispatcher
from underway.queue.registry import WorkerDirectory, WorkerInfo
from underway.settings import Settings
from underway.store.mapping import operation_of
from underway.store.operations_repo import Admission, OperationRepository, day_start, week_ago
from underway.store.records import OperationRecord
from underway.workflows.definition import WorkflowInfo
from underway.workflows.registry import WorkflowRegistry

MAX_METADATA_BYTES = 16 * 1024
MAX_PAGE = 200
_EVENT_PAGE = 1000


class OperationService:
    def __init__(
        self,
        settings: Settings,
        registry: WorkflowRegistry,
        repo: OperationRepository,
        broker: EventBroker,
        lifecycle: Lifecycle,
        dispatcher: Dispatcher,
        recovery: Recovery,
        directory: WorkerDirectory,
        *,
        reserve_for: str | None = None,
    ) -> None:
        """``reserve_for``: a worker id that new operations are reserved for, so that no other
        worker takes them (``underway run`` runs its own operation next to a server)."""
        self._settings = settings
        self._registry = registry
        self._repo = repo
        self._broker = broker
        self._lifecycle = lifecycle
        self._dispatcher = dispatcher
        self._recovery = recovery
        self._directory = directory
        self._reserve_for = reserve_for

    # -- workflows ---------------------------------------------------------------------------------

    def workflows(self) -> builtins.list[WorkflowInfo]:
        return [w.info() for w in self._registry.all()]

    def workflow(self, name: str) -> WorkflowInfo:
        return self._registry.get(name).info()

    # -- submit ------------------------------------------------------------------------------------

    async def submit(self, **request: Any) -> Operation:
        """Validate and queue an operation (the arguments of :meth:`submit_tracked`)."""
        operation, _created = await self.submit_tracked(**request)
        return operation

    async def submit_tracked(
        self,
        *,
        workflow: str,
        params: dict[str, Any],
        owner: str,
        priority: Priority | str = Priority.NORMAL,
        timeout_s: float | None = None,
        metadata: dict[str, Any] | None = None,
        idempotency_key: str | None = None,
        callback_url: str | None = None,
    ) -> tuple[Operation, bool]:
        """Validate and queue an operation; True with it when this call created it (False: an
        earlier request with the same idempotency key did). ``callback_url`` (checked by the
        caller against the webhook address policy) receives a signed webhook when it finishes.
        Raises WorkflowNotFound, InvalidParams, InvalidSubmission, QueueFull, UserQuotaExceeded or
        IdempotencyConflict."""
        wf = self._registry.get(workflow)
        clean_params = wf.validate_params(params).model_dump(mode="json")
        prio = self._priority(priority)
        timeout = self._timeout(timeout_s)
        meta = self._metadata(metadata)
        now = datetime.now(UTC)
        values: dict[str, Any] = {
            "id": str(uuid.uuid4()),
            "workflow": wf.name,
            "owner": owner,
            "status": OperationStatus.QUEUED.value,
            "priority": prio.value,
            "priority_rank": prio.rank,
            "params": clean_params,
            "metadata": meta,
            "timeout_s": timeout,
            "idempotency_key": idempotency_key,
            "request_hash": _request_hash(wf.name, clean_params, prio, timeout, meta, callback_url)
            if idempotency_key
            else None,
            "created_at": now,
            "enqueued_at": now,
            "started_at": None,
            "finished_at": None,
            "result": None,
            "error": None,
            "artifacts": [],
            "percent": 0.0,
            "stage": None,
            "stage_index": None,
            "total_stages": len(wf.stages),
            "message": "Queued",
            "eta_s": None,
            "attempt": 1,
            "stage_durations": {},
            "worker_id": self._reserve_for,
            "callback_url": callback_url,
        }
        first = EventDraft(
            values["id"],
            EventType.STATUS,
            OperationStatus.QUEUED,
            Progress(total_stages=len(wf.stages), message="Queued"),
        )
        admission = Admission(
            capacity=self._settings.queue_capacity,
            max_queued_per_user=self._settings.max_queued_per_user,
            retry_after_s=self._retry_after_s(),
        )
        submitted = await self._repo.create(values, first, admission)
        row = OperationRecord.of(submitted.values)
        if not submitted.created:
            return await self._view(row), False
        op = await self._with_blocked_reason(operation_of(row, submitted.queue_position))
        self._lifecycle.submitted(op)
        self._dispatcher.wake()
        return op, True

    def _priority(self, priority: Priority | str) -> Priority:
        try:
            return Priority(priority)
        except ValueError:
            raise InvalidSubmission("priority", "priority must be one of: high, normal, low") from None

    def _timeout(self, timeout_s: float | None) -> float:
        if timeout_s is None:
            return self._settings.default_timeout_s
        if not timeout_s > 0:
            raise InvalidSubmission("timeout_s", "timeout_s must be a positive number of seconds")
        if timeout_s > self._settings.max_timeout_s:
            raise InvalidSubmission(
                "timeout_s", f"timeout_s must not exceed {self._settings.max_timeout_s:g} s"
            )
        return float(timeout_s)

    def _metadata(self, metadata: dict[str, Any] | None) -> dict[str, Any]:
        meta = metadata or {}
        try:
            size = len(json.dumps(meta))
        except (TypeError, ValueError):
            raise InvalidSubmission("metadata", "metadata must be a JSON object") from None
        if size > MAX_METADATA_BYTES:
            raise InvalidSubmission(
                "metadata", f"metadata must not exceed {MAX_METADATA_BYTES} bytes as JSON"
            )
        return meta

    def _retry_after_s(self) -> int:
        # A slot frees when an operation finishes; with no better knowledge, a few seconds per worker wave.
        # The slots that drain the queue are every live worker's (known from the registry), or at
        # least this process's own.
        workers = max(1, self._directory.live_capacity() or self._settings.workers)
        return max(1, min(60, round(5 * self._settings.queue_capacity / (workers * 100))))

    # -- reads ---------------------------------------------------------------------------------------

    async def get(self, operation_id: str, *, owner: str | None = None) -> Operation:
        """The operation; with ``owner`` set, another user's operation is reported as not found."""
        return await self._view(await self._row(operation_id, owner))

    async def list(
        self, flt: OperationFilter, *, cursor: str | None = None, limit: int = 50
    ) -> OperationPage:
        """Newest first. Raises ``InvalidCursor`` (a ValueError) for a cursor we did not hand out."""
        rows, next_cursor = await self._repo.page(flt, cursor, max(1, min(limit, MAX_PAGE)))
        positions = await self._repo.queue_positions(
            [r.id for r in rows if r.status == OperationStatus.QUEUED.value]
        )
        items = [operation_of(r, positions.get(r.id)) for r in rows]
        return OperationPage(
            items=[await self._with_blocked_reason(op) for op in items], next_cursor=next_cursor
        )

    async def events(
        self,
        operation_id: str,
        *,
        after_seq: int = 0,
        limit: int = _EVENT_PAGE,
        owner: str | None = None,
    ) -> builtins.list[OperationEvent]:
        await self._row(operation_id, owner)
        return await self._repo.events(operation_id, after_seq, max(1, min(limit, _EVENT_PAGE)))

    def artifact_file(self, operation_id: str, name: str) -> Path:
        return self._settings.artifacts_dir / operation_id / name

    async def artifact(
        self, operation_id: str, name: str, *, owner: str | None = None
    ) -> tuple[Artifact, Path]:
        op = await self.get(operation_id, owner=owner)
        for artifact in op.artifacts:
            if artifact.name == name:
                path = self.artifact_file(operation_id, name)
                if path.is_file():
                    return artifact, path
        raise ArtifactNotFound(operation_id, name)

    async def _row(self, operation_id: str, owner: str | None) -> OperationRecord:
        row = await self._repo.get(operation_id)
        if row is None or (owner is not None and row.owner != owner):
            raise OperationNotFound(operation_id)
        return row

    async def _view(self, row: OperationRecord) -> Operation:
        position = None
        if row.status == OperationStatus.QUEUED.value:
            position = await self._repo.queue_position(row)
        return await self._with_blocked_reason(operation_of(row, position))

    async def _with_blocked_reason(self, op: Operation) -> Operation:
        if op.status is not OperationStatus.QUEUED:
            return op
        reason = await self._directory.blocked_reason(op.workflow)
        return op if reason is None else op.model_copy(update={"blocked_reason": reason})

    # -- cancel ----------------------------------------------------------------------------------------

    async def cancel(self, operation_id: str, *, owner: str | None = None, force: bool = False) -> Operation:
        """Cancel at once if queued; otherwise ask the workflow to stop (``cancelling``); ``force``
        skips the grace period. Idempotent while cancelling; raises OperationFinished once finished."""
        row = await self._row(operation_id, owner)
        for _ in range(3):  # the status can move under us (queued -> running); retry on the new one
            status = OperationStatus(row.status)
            if status.is_terminal:
                raise OperationFinished(operation_id, status.value)
            if status is OperationStatus.CANCELLING:
                return await self._view(await self._stop_where_it_runs(row, force))
            if status is OperationStatus.QUEUED:
                moved = await self._lifecycle.move(
                    operation_id,
                    OperationStatus.CANCELLED,
                    message="Cancelled before it started",
                    fields={"finished_at": datetime.now(UTC)},
                    only_from=[OperationStatus.QUEUED],
                )
            else:
                moved = await self._lifecycle.move(
                    operation_id, OperationStatus.CANCELLING, message="Cancelling"
                )
                if moved is not None:
                    moved = await self._stop_where_it_runs(moved, force)
            if moved is not None:
                return await self._view(moved)
            row = await self._row(operation_id, owner)
        raise OperationFinished(operation_id, row.status)

    async def _stop_where_it_runs(self, row: OperationRecord, force: bool) -> OperationRecord:
        """Stop a cancelling operation: here at once if this process runs it; in another process at
        that worker's next poll (it watches for ``cancelling``); here and now if its worker is gone.
        ``force`` only reaches a workflow running in this process; elsewhere the grace period applies."""
        if self._dispatcher.request_stop(row.id, "cancel", force=force):
            return row
        return await self._recovery.settle_if_abandoned(row) or row

    # -- live ------------------------------------------------------------------------------------------

    async def subscribe(
        self, operation_id: str, *, after_seq: int = 0
    ) -> AsyncGenerator[OperationEvent, None]:
        """Every event with ``seq > after_seq``, in order, from the log and then live, ending after the
        terminal event. No gap and no duplicate, whatever the timing (see progress/writer.py)."""
        last = after_seq
        with self._broker.subscribe(operation_id) as sub:
            while True:
                # Subscribed first, then read: whatever is committed after this read arrives live.
                while True:
                    page = await self._repo.events(operation_id, last, _EVENT_PAGE)
                    for event in page:
                        yield event
                        last = event.seq
                        if _is_terminal(event):
                            return
                    if len(page) < _EVENT_PAGE:
                        break
                row = await self._repo.get(operation_id)
                if row is None:
                    raise OperationNotFound(operation_id)
                if OperationStatus(row.status).is_terminal and last >= row.last_seq:
                    return
                try:
                    while True:
                        event = await sub.get()
                        if event.seq <= last:
                            continue  # already read from the log
                        if event.seq != last + 1:
                            break  # should not happen; re-read the log rather than skip
                        yield event
                        last = event.seq
                        if _is_terminal(event):
                            return
                except Lagged:
                    continue

    async def subscribe_all(self) -> AsyncGenerator[OperationEvent, None]:
        """Live events of every operation (for operator dashboards); a slow reader skips, never blocks."""
        with self._broker.subscribe_all() as sub:
            while True:
                try:
                    yield await sub.get()
                except Lagged:
                    continue

    async def wait(
        self, operation_id: str, *, timeout: float | None = None, owner: str | None = None
    ) -> Operation:
        """Wait until the operation reaches a terminal status and return it (TimeoutError otherwise)."""
        row = await self._row(operation_id, owner)

        async def until_done() -> None:
            async for _ in self.subscribe(operation_id, after_seq=row.last_seq):
                pass

        if not OperationStatus(row.status).is_terminal:
            await asyncio.wait_for(until_done(), timeout)
        return await self.get(operation_id)

    # -- the worker registry ----------------------------------------------------------------------

    async def workers(self) -> builtins.list[WorkerInfo]:
        return await self._directory.all()

    async def set_draining(self, worker_id: str, draining: bool) -> WorkerInfo:
        """Ask a worker to stop claiming (it finishes what it runs) or to resume: at once if it is
        this process's, else at its next heartbeat. Raises WorkerNotFound."""
        if not await self._directory.set_draining(worker_id, draining):
            raise WorkerNotFound(worker_id)
        self._dispatcher.set_draining(worker_id, draining)  # at once when it is this process's
        return await self._worker(worker_id)

    async def deregister(self, worker_id: str) -> None:
        """Forget a worker that is not alive, settling what it held by the restart policy. Raises
        WorkerNotFound, or WorkerAlive for a worker whose heartbeats still arrive (stop or drain it)."""
        info = await self._worker(worker_id)
        if info.state != "gone":
            raise WorkerAlive(worker_id, info.state)
        await self._recovery.deregister(worker_id)
        self._directory.forget_cache()

    async def _worker(self, worker_id: str) -> WorkerInfo:
        info = await self._directory.get(worker_id)
        if info is None:
            raise WorkerNotFound(worker_id)
        return info

    # -- figures -----------------------------------------------------------------------------------------

    async def stats(self, *, owner: str | None = None) -> Stats:
        now = datetime.now(UTC)
        counts = await self._repo.count_by_status(owner)
        week = await self._repo.finished_since(week_ago(now), owner)
        today = day_start(now)
        today_rows = await self._repo.finished_since(today, owner)
        completed = [s for st, s in week if st == OperationStatus.COMPLETED.value]
        durations = [s for s in completed if s is not None]
        return Stats(
            active=sum(counts.values()),
            queued=counts.get(OperationStatus.QUEUED.value, 0),
            running=counts.get(OperationStatus.RUNNING.value, 0)
            + counts.get(OperationStatus.CANCELLING.value, 0),
            completed_today=sum(1 for st, _ in today_rows if st == OperationStatus.COMPLETED.value),
            finished_today=len(today_rows),
            success_rate=round(len(completed) / len(week), 4) if week else None,
            avg_duration_s=round(sum(durations) / len(durations), 3) if durations else None,
        )

    async def active_by_workflow(self) -> dict[tuple[OperationStatus, str], int]:
        """How many operations are queued, running or cancelling, per (status, workflow)."""
        rows = await self._repo.count_active_by_workflow()
        return {(OperationStatus(status), workflow): n for status, workflow, n in rows}

    async def queue_snapshot(self) -> QueueSnapshot:
        depth, usage = await self._repo.queue_usage()
        return QueueSnapshot(
            depth_by_priority=depth,
            queued=sum(depth.values()),
            running=sum(r for _, _, r in usage),
            capacity=self._settings.queue_capacity,
            workers=self._dispatcher.workers,
            max_queued_per_user=self._settings.max_queued_per_user,
            max_running_per_user=self._settings.max_running_per_user,
            per_user=[UserUsage(owner=o, queued=q, running=r) for o, q, r in usage],
        )


def _is_terminal(event: OperationEvent) -> bool:
    return event.type is EventType.STATUS and event.status.is_terminal


def _request_hash(
    workflow: str,
    params: dict[str, Any],
    priority: Priority,
    timeout: float,
    meta: dict[str, Any],
    callback_url: str | None,
) -> str:
    request = {
        "workflow": workflow,
        "params": params,
        "priority": priority.value,
        "timeout_s": timeout,
        "metadata": meta,
    }
    if callback_url is not None:  # absent otherwise: hashes of older requests stay valid
        request["callback_url"] = callback_url
    canonical = json.dumps(
        request,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()
