"""What happens to operations a stop or crash interrupted (documented in docs/operating.md).

* ``cancelling`` -> ``cancelled``: the user asked for it to stop, and it has.
* ``running`` of a workflow declared ``retry_safe`` -> ``queued`` again (``attempt`` + 1).
* any other ``running`` -> ``failed`` with an "interrupted" reason.
Each gets its status event, like any other transition.
"""

from __future__ import annotations

from datetime import UTC, datetime

from underway.operations.lifecycle import Lifecycle
from underway.operations.status import OperationStatus
from underway.store.operations_repo import OperationRepository
from underway.store.tables import OperationRow
from underway.workflows.registry import WorkflowRegistry

INTERRUPTED = "Interrupted: the service stopped while this operation was running"


class InterruptionPolicy:
    def __init__(self, lifecycle: Lifecycle, registry: WorkflowRegistry) -> None:
        self._lifecycle = lifecycle
        self._registry = registry

    async def __call__(self, row: OperationRow) -> None:
        now = datetime.now(UTC)
        if row.status == OperationStatus.CANCELLING.value:
            await self._lifecycle.move(
                row.id,
                OperationStatus.CANCELLED,
                message="Cancelled (the service stopped while cancelling)",
                fields={"finished_at": now},
            )
            return
        if row.workflow in self._registry and self._registry.get(row.workflow).retry_safe:
            await self._lifecycle.move(
                row.id,
                OperationStatus.QUEUED,
                message="Re-queued after an interruption",
                percent=0.0,
                fields={
                    "attempt": row.attempt + 1,
                    "started_at": None,
                    "stage": None,
                    "stage_index": None,
                    "eta_s": None,
                },
            )
            return
        await self._lifecycle.move(
            row.id,
            OperationStatus.FAILED,
            message=INTERRUPTED,
            fields={"finished_at": now, "error": INTERRUPTED},
        )


async def recover(repo: OperationRepository, policy: InterruptionPolicy) -> int:
    """Settle every operation left running by a previous process. Returns how many were settled."""
    rows = await repo.in_statuses([OperationStatus.RUNNING, OperationStatus.CANCELLING])
    for row in rows:
        await policy(row)
    return len(rows)
