"""Dispatchers take queued operations from the store and run them.

:class:`Dispatcher` is the small interface the rest of the core relies on. :class:`LocalDispatcher` is
the embedded one: asyncio tasks in this process, ``workers`` at a time, highest priority first and FIFO
within a priority, at most ``max_running_per_user`` per user counted over every process on the
database. The queue itself lives in the database (``status = 'queued'``), so it survives restarts.

Several dispatchers may share one database. Each holds a worker lease (queue/lease.py) and claims an
operation with a compare-and-set that also records its worker id, so exactly one wins and the others
move on. Only operations whose worker is gone are recovered (operations/recovery.py); a live
process's work is never touched.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import UTC, datetime
from typing import Protocol

from underway.operations.lifecycle import Lifecycle
from underway.operations.recovery import InterruptionPolicy, Recovery
from underway.operations.runner import OperationRunner, RunHandle, StopReason
from underway.operations.status import OperationStatus
from underway.queue.lease import WorkerLease
from underway.store.mapping import operation_of
from underway.store.operations_repo import OperationRepository
from underway.store.tables import OperationRow
from underway.store.timeutil import as_utc

log = logging.getLogger(__name__)

# Safety net: look at the queue (and for cancels made by other processes) at least this often.
_POLL_S = 1.0


class Dispatcher(Protocol):
    """Runs queued operations. The service only wakes it and asks it to stop operations."""

    workers: int

    async def start(self) -> None:
        """Settle what gone workers left behind, then start taking queued work."""

    async def stop(self) -> None:
        """Stop taking work; settle what this dispatcher was running by the restart policy."""

    def wake(self) -> None:
        """Something was queued or a slot freed up: look at the queue now."""

    def request_stop(self, operation_id: str, reason: StopReason, *, force: bool = False) -> bool:
        """Ask a running operation to stop (``force``: without a grace period); False if not here."""

    @property
    def running(self) -> int:
        """Operations running in this dispatcher."""

    @property
    def is_running(self) -> bool:
        """The dispatch loop is alive (readiness)."""


class LocalDispatcher:
    def __init__(
        self,
        repo: OperationRepository,
        lifecycle: Lifecycle,
        runner: OperationRunner,
        lease: WorkerLease,
        recovery: Recovery,
        policy: InterruptionPolicy,
        *,
        workers: int,
        max_running_per_user: int,
        heartbeat_s: float,
        own_submissions_only: bool = False,
    ) -> None:
        self.workers = workers
        self._repo = repo
        self._lifecycle = lifecycle
        self._runner = runner
        self._lease = lease
        self._recovery = recovery
        self._policy = policy
        self._max_per_user = max_running_per_user
        self._heartbeat_s = heartbeat_s
        self._own_only = own_submissions_only
        self._handles: dict[str, RunHandle] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._claims: set[asyncio.Task[bool]] = set()
        # Operations whose runner crashed and whose "internal error" could not be written yet.
        self._crashed: set[str] = set()
        self._wakeup = asyncio.Event()
        self._loop_task: asyncio.Task[None] | None = None
        self._heartbeat_task: asyncio.Task[None] | None = None
        self._registered = False
        self._stopping = False

    @property
    def worker_id(self) -> str:
        return self._lease.worker_id

    @property
    def running(self) -> int:
        return len(self._handles)

    @property
    def is_running(self) -> bool:
        return self._loop_task is not None and not self._loop_task.done()

    async def start(self) -> None:
        await self._lease.register()
        self._registered = True
        await self._recovery.sweep()
        self._stopping = False
        self._loop_task = asyncio.create_task(self._loop(), name="underway-dispatcher")
        self._heartbeat_task = asyncio.create_task(self._heartbeat(), name="underway-heartbeat")

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
        """Stop taking work, interrupt what runs, settle it by the restart policy, give up the lease."""
        if not self._registered:
            return
        self._stopping = True
        for background in (self._loop_task, self._heartbeat_task):
            if background is not None:
                background.cancel()
                await asyncio.gather(background, return_exceptions=True)
        # A claim in flight finishes (it is shielded), so each claimed operation has its task here.
        await asyncio.gather(*self._claims, return_exceptions=True)
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        try:
            # From the database, not from memory: this also catches a claim that never got its task.
            await self._settle_held()
        except Exception:
            log.exception("could not settle this worker's operations; another worker will")
        try:
            await self._lease.release()
        except Exception:
            log.exception("could not remove this worker's lease; it will lapse")
        self._registered = False

    # -- dispatching -------------------------------------------------------------------------------

    async def _loop(self) -> None:
        # Wake-ups come with every submission and completion; the database is asked about cancels
        # made by other processes only once per poll interval, not at each of them.
        next_cancel_check = 0.0
        while not self._stopping:
            try:
                await self._fill()
                if time.monotonic() >= next_cancel_check:
                    next_cancel_check = time.monotonic() + _POLL_S
                    await self._stop_cancelled_elsewhere()
            except Exception:
                log.exception("dispatch failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), timeout=_POLL_S)
            self._wakeup.clear()

    async def _fill(self) -> None:
        while not self._stopping and len(self._handles) < self.workers:
            rows = await self._repo.next_queued(
                self.workers - len(self._handles),
                worker_id=self.worker_id,
                own_only=self._own_only,
                max_running_per_user=self._max_per_user,
            )
            claimed_any = False
            for row in rows:
                if self._stopping or len(self._handles) >= self.workers:
                    return
                claimed_any |= await self._claim(row)
            if not claimed_any:  # empty, or every row was taken by someone else: wait for news
                return

    async def _claim(self, row: OperationRow) -> bool:
        # Shielded: stopping the loop must not cut a claim between its commit and its task.
        claim = asyncio.create_task(self._claim_and_start(row), name=f"claim:{row.id}")
        self._claims.add(claim)
        claim.add_done_callback(self._claims.discard)
        return await asyncio.shield(claim)

    async def _claim_and_start(self, row: OperationRow) -> bool:
        if self._stopping:
            return False
        # Registered before claiming, so a cancel arriving in between finds the handle.
        handle = RunHandle(row.id, row.owner)
        self._handles[row.id] = handle
        now = datetime.now(UTC)
        try:
            claimed = await self._lifecycle.claim(
                row, self.worker_id, max_running_per_user=self._max_per_user, now=now
            )
        except Exception:
            self._handles.pop(row.id, None)
            raise
        if claimed is None:  # taken by another worker, cancelled, or its owner is at the limit
            self._handles.pop(row.id, None)
            return False
        self._lifecycle.started(operation_of(claimed), (now - as_utc(row.enqueued_at)).total_seconds())
        self._tasks[row.id] = asyncio.create_task(self._run(claimed, handle), name=f"operation:{row.id}")
        return True

    async def _run(self, row: OperationRow, handle: RunHandle) -> None:
        try:
            await self._runner.run(row, handle)
        except asyncio.CancelledError:
            raise  # stopping (stop() settles by the restart policy) or fenced off (already settled)
        except Exception:
            log.exception("runner crashed for operation %s; failing it as an internal error", row.id)
            await self._fail_crashed(row)
        finally:
            self._handles.pop(row.id, None)
            self._tasks.pop(row.id, None)
            self.wake()

    async def _fail_crashed(self, row: OperationRow) -> None:
        try:
            await self._policy.crashed(row)
        except Exception:
            # Most likely the database is away; the heartbeat retries (see _settle_held).
            log.exception("could not record the internal error of operation %s yet", row.id)
            self._crashed.add(row.id)

    # -- cancels from other processes, heartbeats, recovery ---------------------------------------

    async def _stop_cancelled_elsewhere(self) -> None:
        """A cancel made through another process only moves the row to ``cancelling``: act on it."""
        if not self._handles:
            return
        for row in await self._repo.in_flight(held_by=self.worker_id):
            handle = self._handles.get(row.id)
            if row.status == OperationStatus.CANCELLING.value and handle and not handle.stop.is_set():
                handle.request_stop("cancel")

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(self._heartbeat_s)
            try:
                if not await self._lease.renew():
                    log.warning(
                        "this worker was presumed dead (no heartbeat within the lease) and its "
                        "operations were settled elsewhere; stopping them here"
                    )
                    for task in list(self._tasks.values()):
                        task.cancel()
                await self._recovery.sweep()
                await self._settle_held()
            except Exception:
                log.exception("heartbeat failed; retrying")

    async def _settle_held(self) -> None:
        """Settle operations the database says this worker holds but no task here runs: left by a
        runner crash whose failure could not be written, by a fenced-off run, or by stop()."""
        for row in await self._repo.in_flight(held_by=self.worker_id):
            if row.id in self._handles:
                continue
            if row.id in self._crashed:
                await self._policy.crashed(row)
            else:
                await self._policy(row)
            self._crashed.discard(row.id)
