"""The worker registry as operators see it: who runs, what each can run, and whether it is alive.

A worker is *alive* while its heartbeats arrive, *late* once one is overdue (more than two
heartbeat intervals: a loaded machine, a network blip), and *gone* once its lease lapsed, its
process died on this host, or it stopped. Gone workers stay listed for a day (their operations are
already settled) unless an operator deregisters them.

The registry also says when a queued operation cannot start: no live, non-draining worker offers
its workflow (not deployed there, or missing a capability the workflow requires), so the operation
says why it waits instead of waiting silently.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import Field

from underway.queue.lease import lapsed
from underway.store.tables import WorkerRow
from underway.store.timeutil import as_utc, as_utc_or_none
from underway.store.workers_repo import WorkerRepository
from underway.views import View
from underway.workflows.registry import WorkflowRegistry

WorkerState = Literal["alive", "late", "gone"]
_LATE_AFTER_HEARTBEATS = 2
_CACHE_S = 2.0


class WorkerInfo(View):
    """A worker process in the registry."""

    id: str
    hostname: str
    pid: int
    version: str
    role: str = Field(
        description="`all` (underway serve), `worker` (underway worker) or `cli` (underway run)."
    )
    state: WorkerState
    draining: bool = Field(description="Asked to stop claiming; it finishes what it runs.")
    capacity: int = Field(description="Operations it runs at once.")
    running: int = Field(description="Operations it was running at its last heartbeat.")
    workflows: list[str]
    capabilities: list[str]
    started_at: datetime
    heartbeat_at: datetime
    stopped_at: datetime | None = None


class WorkerDirectory:
    def __init__(
        self, workers: WorkerRepository, registry: WorkflowRegistry, *, heartbeat_s: float, lease_s: float
    ) -> None:
        self._workers = workers
        self._registry = registry
        self._heartbeat_s = heartbeat_s
        self._lease_s = lease_s
        self._cached: tuple[float, list[WorkerInfo]] | None = None
        self._refresh: asyncio.Future[list[WorkerInfo]] | None = None

    async def all(self) -> list[WorkerInfo]:
        now = datetime.now(UTC)
        infos = [self._info(w, now) for w in await self._workers.all()]
        self._cached = (time.monotonic(), infos)
        return infos

    async def get(self, worker_id: str) -> WorkerInfo | None:
        row = await self._workers.get(worker_id)
        return None if row is None else self._info(row, datetime.now(UTC))

    async def set_draining(self, worker_id: str, draining: bool) -> bool:
        self._cached = None
        return await self._workers.set_draining(worker_id, draining)

    async def blocked_reason(self, workflow: str) -> str | None:
        """Why a queued operation of ``workflow`` cannot start now, or None if some worker can run it."""
        infos = await self._recent()
        able = [w for w in infos if w.state != "gone" and workflow in w.workflows]
        if any(not w.draining for w in able):
            return None
        if able:
            return f"Every worker that can run {workflow!r} is draining; it starts when one resumes or another joins."
        requires = sorted(self._registry.get(workflow).requires) if workflow in self._registry else []
        needs = f" offering {', '.join(requires)}" if requires else ""
        return f"No live worker{needs} can run {workflow!r}; it starts when one joins."

    async def _recent(self) -> list[WorkerInfo]:
        if self._cached is not None and time.monotonic() - self._cached[0] < _CACHE_S:
            return self._cached[1]
        # One read for every caller that finds the cache stale at the same moment (a burst of
        # submissions would otherwise take a connection each for the same rows).
        if self._refresh is None or self._refresh.done():
            self._refresh = asyncio.ensure_future(self.all())
        return await asyncio.shield(self._refresh)

    def live_capacity(self) -> int:
        """Operations the live workers run at once, as last read (0 when not read yet)."""
        if self._cached is None:
            return 0
        return sum(w.capacity for w in self._cached[1] if w.state != "gone" and not w.draining)

    def forget_cache(self) -> None:
        self._cached = None

    def _info(self, row: WorkerRow, now: datetime) -> WorkerInfo:
        heartbeat = as_utc(row.heartbeat_at)
        state: WorkerState = "alive"
        if lapsed(row, now, self._lease_s):
            state = "gone"
        elif heartbeat < now - timedelta(seconds=_LATE_AFTER_HEARTBEATS * self._heartbeat_s):
            state = "late"
        return WorkerInfo(
            id=row.id,
            hostname=row.hostname,
            pid=row.pid,
            version=row.version,
            role=row.role,
            state=state,
            draining=row.draining,
            capacity=row.capacity,
            running=0 if state == "gone" else row.running,
            workflows=list(row.workflows),
            capabilities=list(row.capabilities),
            started_at=as_utc(row.started_at),
            heartbeat_at=heartbeat,
            stopped_at=as_utc_or_none(row.stopped_at),
        )
