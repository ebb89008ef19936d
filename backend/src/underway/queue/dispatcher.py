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
from collections.abc import Sequence
from typing import Any, Protocol

from underway.operations.lifecycle import Lifecycle
from underway.operations.recovery import InterruptionPolicy, Recovery
from underway.operations.runner import OperationRunner, RunHandle, StopReason
from underway.operations.status import OperationStatus
from underway.queue.lease import WorkerLease
from underway.store.operations_repo import OperationRepository
from underway.store.records import OperationRecord
from underway.store.writer.transaction import Change

log = logging.getLogger(__name__)

# Safety net: look at the queue at least this often even if no wake-up came (the change feed
# wakes dispatchers at once when another process queues work or frees a slot).
_POLL_S = 5.0


class Dispatcher(Protocol):
    """Runs queued operations. The service only wakes it and asks it to stop operations."""

    workers: int

    async def start(self) -> None:
        """Settle what gone workers left behind, then start taking queued work."""

    async def stop(self, grace_s: float = 0.0) -> None:
        """Stop taking work; let what runs finish for up to ``grace_s``; settle the rest by the
        restart policy."""

    def wake(self) -> None:
        """Something was queued or a slot freed up: look at the queue now."""

    def request_stop(self, operation_id: str, reason: StopReason, *, force: bool = False) -> bool:
        """Ask a running operation to stop (``force``: without a grace period); False if not here."""

    def cut_grace(self) -> None:
        """During stop(): stop waiting for running operations to finish."""

    def set_draining(self, worker_id: str, draining: bool) -> None:
        """The registry asked worker ``worker_id`` to drain (or resume); act on it if it is this one."""

    @property
    def worker_id(self) -> str:
        """This worker's id in the registry."""

    def on_changes(self, changes: Sequence[Change]) -> None:
        """Committed changes (this process's or others'): queued work, freed slots, cancels."""

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
        workflows: Sequence[str],
        own_submissions_only: bool = False,
    ) -> None:
        self.workers = workers
        self._workflows = list(workflows)
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
        self._claims: set[asyncio.Task[int]] = set()
        self._background: set[asyncio.Task[None]] = set()
        # Operations whose runner crashed and whose "internal error" could not be written yet.
        self._crashed: set[str] = set()
        self._wakeup = asyncio.Event()
        self._loop_task: asyncio.Task[None] | None = None
        self._heartbeat_task: asyncio.Task[None] | None = None
        self._registered = False
        self._stopping = False
        self._grace_cut = asyncio.Event()
        self._draining = False  # an operator asked this worker to stop claiming (admin "drain")

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

    def cut_grace(self) -> None:
        """Stop waiting for running operations to finish (a second SIGTERM or Ctrl-C)."""
        self._grace_cut.set()

    def set_draining(self, worker_id: str, draining: bool) -> None:
        if worker_id == self.worker_id and draining != self._draining:
            self._draining = draining
            if not draining:
                self.wake()

    def request_stop(self, operation_id: str, reason: StopReason, *, force: bool = False) -> bool:
        handle = self._handles.get(operation_id)
        if handle is None:
            return False
        if force:
            handle.force_stop(reason)
        else:
            handle.request_stop(reason)
        return True

    def on_changes(self, changes: Sequence[Change]) -> None:
        wake = not changes  # nothing named: the feed reconnected, look again
        if wake and self._handles:
            task = asyncio.create_task(self._stop_cancelled_elsewhere())
            self._background.add(task)
            task.add_done_callback(self._background.discard)
        for change in changes:
            status = change.status
            if status is OperationStatus.QUEUED or status.is_terminal:
                wake = True  # new work, or a slot freed for its owner
            elif status is OperationStatus.CANCELLING:
                handle = self._handles.get(change.operation_id)
                if handle is not None and not handle.stop.is_set():
                    handle.request_stop("cancel")  # cancelled through another process
        if wake:
            self.wake()

    async def stop(self, grace_s: float = 0.0) -> None:
        """Stop taking work, let what runs finish for up to ``grace_s`` (still heartbeating, still
        obeying cancels), then interrupt the rest, settle it by the restart policy, give up the lease."""
        if not self._registered:
            return
        self._stopping = True
        if self._loop_task is not None:
            self._loop_task.cancel()
            await asyncio.gather(self._loop_task, return_exceptions=True)
        # A claim in flight finishes (it is shielded), so each claimed operation has its task here.
        await asyncio.gather(*self._claims, return_exceptions=True)
        if grace_s > 0 and self._tasks:
            try:  # the admin view shows it draining while it finishes
                await self._lease.mark_draining()
            except Exception:
                log.exception("could not mark this worker draining in the registry")
            log.info("waiting up to %g s for %d running operations to finish", grace_s, len(self._tasks))
            cut = asyncio.create_task(self._grace_cut.wait())
            waiters: set[asyncio.Future[Any]] = {
                cut,
                asyncio.gather(*self._tasks.values(), return_exceptions=True),
            }
            await asyncio.wait(waiters, timeout=grace_s, return_when=asyncio.FIRST_COMPLETED)
            cut.cancel()
        if self._heartbeat_task is not None:
            self._heartbeat_task.cancel()
            await asyncio.gather(self._heartbeat_task, return_exceptions=True)
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
        while not self._stopping:
            try:
                await self._fill()
            except Exception:
                log.exception("dispatch failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), timeout=_POLL_S)
            self._wakeup.clear()

    async def _fill(self) -> None:
        while not (self._stopping or self._draining) and len(self._handles) < self.workers:
            free = self.workers - len(self._handles)
            if await self._claim(free) < free:  # the queue has nothing more for us now
                return

    async def _claim(self, limit: int) -> int:
        # Shielded: stopping the loop must not cut a claim between its commit and its tasks.
        claim = asyncio.create_task(self._claim_and_start(limit), name="underway-claim")
        self._claims.add(claim)
        claim.add_done_callback(self._claims.discard)
        return await asyncio.shield(claim)

    async def _claim_and_start(self, limit: int) -> int:
        if self._stopping:
            return 0
        rows = await self._lifecycle.claim(
            self.worker_id,
            limit,
            workflows=self._workflows,
            max_running_per_user=self._max_per_user,
            reserved_only=self._own_only,
        )
        # No await from here on: a cancel made right after the claim committed finds the handle.
        for row in rows:
            handle = RunHandle(row.id, row.owner)
            self._handles[row.id] = handle
            self._tasks[row.id] = asyncio.create_task(self._run(row, handle), name=f"operation:{row.id}")
        return len(rows)

    async def _run(self, row: OperationRecord, handle: RunHandle) -> None:
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

    async def _fail_crashed(self, row: OperationRecord) -> None:
        try:
            await self._policy.crashed(row)
        except Exception:
            # Most likely the database is away; the heartbeat retries (see _settle_held).
            log.exception("could not record the internal error of operation %s yet", row.id)
            self._crashed.add(row.id)

    # -- cancels from other processes, heartbeats, recovery ---------------------------------------

    async def _stop_cancelled_elsewhere(self) -> None:
        """A cancel made through another process reaches us through the change feed at once; this
        check at every heartbeat covers a feed connection that was down at that moment."""
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
                renewal = await self._lease.renew(len(self._handles))
                if renewal.draining != self._draining:
                    log.info("draining: %s (asked through the registry)", renewal.draining)
                    self._draining = renewal.draining
                if renewal.presumed_dead:
                    log.warning(
                        "this worker was presumed dead (no heartbeat within the lease) and its "
                        "operations were settled elsewhere; stopping them here"
                    )
                    for task in list(self._tasks.values()):
                        task.cancel()
                await self._recovery.sweep()
                await self._settle_held()
                await self._stop_cancelled_elsewhere()
                if not self._stopping:
                    self.wake()
            except Exception:
                log.exception("heartbeat failed; retrying")

    async def _settle_held(self) -> None:
        """Settle operations the database says this worker holds but no task here runs: left by a
        runner crash whose failure could not be written, by a fenced-off run, or by stop()."""
        # Read in the writer's order: a plain read could see a claim committed a moment ago before
        # the claiming task resumed to create its handles, and re-queue an operation starting here.
        for row in await self._repo.in_flight_after_claims(held_by=self.worker_id):
            if row.id in self._handles:
                continue
            if row.id in self._crashed:
                await self._policy.crashed(row)
            else:
                await self._policy(row)
            self._crashed.discard(row.id)
