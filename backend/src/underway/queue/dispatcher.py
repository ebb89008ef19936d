"""Dispatchers take queued operations from the store and run them.

:class:`Dispatcher` is the small interface the rest of the core relies on. :class:`LocalDispatcher` is
the embedded one: asyncio tasks in this process, ``workers`` at a time, at most
``max_running_per_user`` per user, highest priority first and FIFO within a priority. The queue
itself lives in the database (``status = 'queued'``), so it survives restarts; a multi-process
dispatcher on PostgreSQL can claim rows with ``FOR UPDATE SKIP LOCKED`` behind the same interface.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Protocol

from underway.operations.lifecycle import Lifecycle
from underway.operations.runner import OperationRunner, RunHandle, StopReason
from underway.operations.status import OperationStatus
from underway.store.mapping import operation_of
from underway.store.operations_repo import OperationRepository
from underway.store.tables import OperationRow
from underway.store.timeutil import as_utc

log = logging.getLogger(__name__)

# Safety net: look at the queue at least this often even if no wake-up arrives.
_POLL_S = 1.0


class Dispatcher(Protocol):
    workers: int

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    def wake(self) -> None:
        """Something was queued or a slot freed up: look at the queue now."""

    def request_stop(self, operation_id: str, reason: StopReason, *, force: bool = False) -> bool:
        """Ask a running operation to stop (``force``: without a grace period); False if not here."""

    @property
    def running(self) -> int: ...

    @property
    def is_running(self) -> bool: ...


InterruptPolicy = Callable[[OperationRow], Awaitable[None]]


class LocalDispatcher:
    def __init__(
        self,
        repo: OperationRepository,
        lifecycle: Lifecycle,
        runner: OperationRunner,
        workers: int,
        max_running_per_user: int,
        on_interrupted: InterruptPolicy,
    ) -> None:
        self.workers = workers
        self._repo = repo
        self._lifecycle = lifecycle
        self._runner = runner
        self._max_per_user = max_running_per_user
        self._on_interrupted = on_interrupted
        self._handles: dict[str, RunHandle] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._per_owner: Counter[str] = Counter()
        self._wakeup = asyncio.Event()
        self._loop_task: asyncio.Task[None] | None = None
        self._stopping = False

    @property
    def running(self) -> int:
        return len(self._handles)

    @property
    def is_running(self) -> bool:
        return self._loop_task is not None and not self._loop_task.done()

    async def start(self) -> None:
        self._stopping = False
        self._loop_task = asyncio.create_task(self._loop(), name="underway-dispatcher")

    def wake(self) -> None:
        self._wakeup.set()

    def request_stop(self, operation_id: str, reason: StopReason, *, force: bool = False) -> bool:
        handle = self._handles.get(operation_id)
        if handle is None:
            return False
        if force:
            handle.force_stop(reason)
        else:
            handle.request_stop(reason)
        return True

    async def stop(self) -> None:
        """Stop taking work, interrupt what runs and settle it by the restart policy."""
        self._stopping = True
        if self._loop_task is not None:
            self._loop_task.cancel()
            await asyncio.gather(self._loop_task, return_exceptions=True)
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _loop(self) -> None:
        while not self._stopping:
            try:
                await self._fill()
            except Exception:
                log.exception("dispatch failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), timeout=_POLL_S)
            self._wakeup.clear()

    async def _fill(self) -> None:
        while not self._stopping and len(self._handles) < self.workers:
            blocked = [o for o, n in self._per_owner.items() if n >= self._max_per_user]
            rows = await self._repo.next_queued(self.workers - len(self._handles), blocked)
            if not rows:
                return
            for row in rows:
                if len(self._handles) >= self.workers:
                    return
                if self._per_owner[row.owner] < self._max_per_user:
                    await self._claim(row)

    async def _claim(self, row: OperationRow) -> None:
        # Register before claiming so a cancel arriving in between finds the handle.
        handle = RunHandle(row.id, row.owner)
        self._handles[row.id] = handle
        self._per_owner[row.owner] += 1
        now = datetime.now(UTC)
        claimed = await self._lifecycle.move(
            row.id, OperationStatus.RUNNING, message="Started", fields={"started_at": now}
        )
        if claimed is None:  # cancelled while we looked
            self._release(row)
            return
        self._lifecycle.started(operation_of(claimed), (now - as_utc(row.enqueued_at)).total_seconds())
        self._tasks[row.id] = asyncio.create_task(self._run(claimed, handle), name=f"operation:{row.id}")

    async def _run(self, row: OperationRow, handle: RunHandle) -> None:
        try:
            await self._runner.run(row, handle)
        except asyncio.CancelledError:
            await asyncio.shield(self._interrupted(row))
            raise
        except Exception:
            log.exception("runner crashed for operation %s", row.id)
            await self._interrupted(row)
        finally:
            self._release(row)
            self._tasks.pop(row.id, None)
            self.wake()

    async def _interrupted(self, row: OperationRow) -> None:
        current = await self._repo.get(row.id)
        if current is not None and not OperationStatus(current.status).is_terminal:
            await self._on_interrupted(current)

    def _release(self, row: OperationRow) -> None:
        self._handles.pop(row.id, None)
        self._per_owner[row.owner] -= 1
        if self._per_owner[row.owner] <= 0:
            del self._per_owner[row.owner]
