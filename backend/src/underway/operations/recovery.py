"""What happens to operations a stop or crash interrupted (documented in docs/operating.md).

:class:`InterruptionPolicy` decides, for one operation whose run was cut short:

* ``cancelling`` -> ``cancelled``: the user asked for it to stop, and it has.
* ``running`` of a workflow declared ``retry_safe`` -> ``queued`` again (``attempt`` + 1), unless it has
  already been tried ``max_attempts`` times: then ``failed``, so a crash loop ends.
* any other ``running`` -> ``failed`` with an "interrupted" reason.

A crash of the runner itself (not of the workflow) is a distinct ``failed`` "internal error", never
re-queued: the workflow may well have finished, and running it again could repeat its effects.

:class:`Recovery` finds the operations whose worker is gone (see queue/lease.py) and applies the policy
to them, at every dispatcher start and heartbeat. Each settlement is a compare-and-set guarded by the
worker that held the operation, with its status event, so several processes may recover at once.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from underway.operations.lifecycle import Lifecycle
from underway.operations.status import OperationStatus
from underway.queue.lease import lapsed
from underway.store.operations_repo import HeldBy, OperationRepository
from underway.store.records import OperationRecord
from underway.store.workers_repo import WorkerRepository
from underway.workflows.registry import WorkflowRegistry

INTERRUPTED = "Interrupted: the service stopped while this operation was running"
INTERNAL_ERROR = (
    "Internal error: the service failed while running this operation; it was not retried "
    "(details are in the service log)"
)


GONE_WORKERS_KEPT_S = 24 * 3600


def attempts_exhausted(attempts: int, max_attempts: int) -> str:
    return f"Interrupted {attempts} times; not retried again (at most {max_attempts} attempts)"


class InterruptionPolicy:
    def __init__(self, lifecycle: Lifecycle, registry: WorkflowRegistry, max_attempts: int) -> None:
        self._lifecycle = lifecycle
        self._registry = registry
        self._max_attempts = max_attempts

    async def __call__(self, row: OperationRecord) -> OperationRecord | None:
        """Settle an interrupted operation; None if it had moved on since ``row`` was read."""
        held = HeldBy(row.worker_id)
        now = datetime.now(UTC)
        if row.status == OperationStatus.CANCELLING.value:
            return await self._lifecycle.move(
                row.id,
                OperationStatus.CANCELLED,
                message="Cancelled (the service stopped while cancelling)",
                fields={"finished_at": now},
                only_from=[OperationStatus.CANCELLING],
                held_by=held,
            )
        retry_safe = row.workflow in self._registry and self._registry.get(row.workflow).retry_safe
        if retry_safe and row.attempt < self._max_attempts:
            return await self._lifecycle.move(
                row.id,
                OperationStatus.QUEUED,
                message="Re-queued after an interruption",
                percent=0.0,
                fields={
                    "attempt": row.attempt + 1,
                    "worker_id": None,
                    "started_at": None,
                    "stage": None,
                    "stage_index": None,
                    "eta_s": None,
                },
                held_by=held,
            )
        reason = attempts_exhausted(row.attempt, self._max_attempts) if retry_safe else INTERRUPTED
        return await self._fail(row, reason)

    async def crashed(self, row: OperationRecord) -> OperationRecord | None:
        """The runner (not the workflow) failed: fail the operation as an internal error."""
        return await self._fail(row, INTERNAL_ERROR)

    async def _fail(self, row: OperationRecord, reason: str) -> OperationRecord | None:
        return await self._lifecycle.move(
            row.id,
            OperationStatus.FAILED,
            message=reason,
            fields={"finished_at": datetime.now(UTC), "error": reason},
            only_from=[OperationStatus.RUNNING, OperationStatus.CANCELLING],
            held_by=HeldBy(row.worker_id),
        )


class Recovery:
    """Settles the operations of workers that are gone, by the interruption policy."""

    def __init__(
        self,
        repo: OperationRepository,
        workers: WorkerRepository,
        policy: InterruptionPolicy,
        lease_s: float,
    ) -> None:
        self._repo = repo
        self._workers = workers
        self._policy = policy
        self._lease_s = lease_s

    async def sweep(self) -> int:
        """Settle what gone workers were running, open what they had reserved, forget them.
        Returns how many operations were settled."""
        now = datetime.now(UTC)
        workers = await self._workers.all()
        gone = [w.id for w in workers if lapsed(w, now, self._lease_s)]
        settled = 0
        for row in await self._repo.in_flight_abandoned(gone):
            settled += await self._policy(row) is not None
        await self._repo.release_reservations(gone)
        # Last: a sweep that failed half-way finds the same workers gone next time. Gone workers
        # stay listed (stopped) for the admin view for a day, unless deregistered before.
        await self._workers.mark_stopped(
            [w.id for w in workers if w.id in gone and w.stopped_at is None], now
        )
        await self._workers.forget_stopped_before(now - timedelta(seconds=GONE_WORKERS_KEPT_S))
        return settled

    async def deregister(self, worker_id: str) -> bool:
        """Forget a gone worker now, settling what it held (False: no such worker)."""
        worker = await self._workers.get(worker_id)
        if worker is None:
            return False
        await self._workers.mark_stopped([worker_id], datetime.now(UTC))
        for row in await self._repo.in_flight(held_by=worker_id):
            await self._policy(row)
        await self._repo.release_reservations([worker_id])
        await self._workers.remove([worker_id])
        return True

    async def settle_if_abandoned(self, row: OperationRecord) -> OperationRecord | None:
        """Settle one running or cancelling operation now if its worker is gone; None if it is alive
        (that worker will act on the operation's new status itself)."""
        if row.worker_id is not None:
            worker = await self._workers.get(row.worker_id)
            if worker is not None and not lapsed(worker, datetime.now(UTC), self._lease_s):
                return None
        return await self._policy(row)
