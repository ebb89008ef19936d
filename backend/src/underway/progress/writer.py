"""The event writer: the single path by which events and status changes reach the database.

One task drains a queue: runs of progress/log/stage drafts are written in one transaction, status
transitions in their own. Because both go through the same queue, an operation's events are numbered
and published in exactly the order they were emitted, and nothing lands after its terminal event.
Events are published to subscribers only after they are committed, which is what makes
"read the log, then follow live" gap-free.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from underway.operations.models import OperationEvent
from underway.progress.broker import EventBroker
from underway.progress.events import EventDraft
from underway.store.operations_repo import OperationRepository

log = logging.getLogger(__name__)

_MAX_BATCH = 512


@dataclass
class _Call:
    """A write that must keep its place in the order (a status transition, an artifact record)."""

    fn: Callable[[], Awaitable[Any]]
    done: asyncio.Future[Any] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class EventWriter:
    def __init__(self, repo: OperationRepository, broker: EventBroker) -> None:
        self._repo = repo
        self._broker = broker
        self._queue: asyncio.Queue[EventDraft | _Call] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="underway-event-writer")

    async def stop(self) -> None:
        """Write what is queued, then stop."""
        if self._task is None:
            return
        await self._queue.join()
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
        self._task = None

    def emit(self, draft: EventDraft) -> None:
        self._queue.put_nowait(draft)

    async def call(self, fn: Callable[[], Awaitable[Any]]) -> Any:
        """Run ``fn`` (a repository write) in order with the queued events and return its result."""
        job = _Call(fn)
        self._queue.put_nowait(job)
        return await job.done

    def publish(self, events: list[OperationEvent]) -> None:
        self._broker.publish(events)

    async def _run(self) -> None:
        while True:
            first = await self._queue.get()
            batch: list[EventDraft] = []
            pending_call: _Call | None = None
            item: EventDraft | _Call | None = first
            taken = 1
            while item is not None:
                if isinstance(item, _Call):
                    pending_call = item
                    break
                batch.append(item)
                if len(batch) >= _MAX_BATCH:
                    break
                try:
                    item = self._queue.get_nowait()
                    taken += 1
                except asyncio.QueueEmpty:
                    item = None
            try:
                if batch:
                    await self._write_batch(batch)
                if pending_call is not None:
                    await self._run_call(pending_call)
            finally:
                for _ in range(taken):
                    self._queue.task_done()

    async def _write_batch(self, batch: list[EventDraft]) -> None:
        try:
            events = await self._repo.append(batch)
        except Exception:
            # A failed progress write must not kill the writer; the status path still settles the op.
            log.exception("could not persist %d events", len(batch))
            return
        self._broker.publish(events)

    async def _run_call(self, call: _Call) -> None:
        try:
            result = await call.fn()
        except Exception as exc:
            if not call.done.done():
                call.done.set_exception(exc)
            return
        if not call.done.done():
            call.done.set_result(result)
