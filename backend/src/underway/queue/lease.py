"""Worker leases: how a worker process says "I am alive, this is what I can run, and these
operations are mine".

Each dispatcher registers a row in ``workers`` (host, pid, version, role, capacity, workflows,
capability tags) and renews its ``heartbeat_at`` (with its running count) every
``UNDERWAY_HEARTBEAT_S``. A claimed operation records the worker's id. A worker is *gone*, and its
operations may be settled by anyone, when:

* it stopped (``stopped_at`` set: a clean stop, or found gone earlier), or
* its heartbeat is older than ``UNDERWAY_WORKER_LEASE_S`` (a silent or unreachable machine), or
* it was registered on this same host and its pid is no longer alive (a crash or SIGKILL here): a
  restart on one machine then recovers at once rather than after the lease.

Hosts compare by hostname, so processes sharing a hostname must share a pid namespace too (a
container with the host's hostname but its own pids would look dead); leases still cover the rest.
Heartbeats use each machine's clock: keep clocks in sync (NTP) to well within the lease.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from underway import __version__
from underway.store.tables import WorkerRow
from underway.store.timeutil import as_utc
from underway.store.workers_repo import WorkerRepository

HOSTNAME = socket.gethostname()


def pid_alive(pid: int) -> bool:
    if os.name != "posix":
        return True  # no cheap, safe probe: rely on the lease
    try:
        os.kill(pid, 0)  # signal 0: existence check only, nothing is delivered
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True


def lapsed(worker: WorkerRow, now: datetime, lease_s: float) -> bool:
    if worker.stopped_at is not None:
        return True
    if as_utc(worker.heartbeat_at) < now - timedelta(seconds=lease_s):
        return True
    return worker.hostname == HOSTNAME and not pid_alive(worker.pid)


@dataclass(frozen=True)
class WorkerIdentity:
    """What a worker tells the registry about itself."""

    role: str  # "all" (`underway serve`), "worker" (`underway worker`), "cli" (`underway run`)
    capacity: int
    workflows: tuple[str, ...]
    capabilities: tuple[str, ...] = ()


@dataclass(frozen=True)
class Renewal:
    presumed_dead: bool  # our row was gone or marked stopped: others settled our operations
    draining: bool  # an operator asked us to stop claiming


class WorkerLease:
    """This dispatcher's row in ``workers``."""

    def __init__(self, workers: WorkerRepository, identity: WorkerIdentity) -> None:
        self._workers = workers
        self.identity = identity
        self.worker_id = str(uuid.uuid4())
        self._started_at = datetime.now(UTC)

    async def register(self) -> None:
        now = datetime.now(UTC)
        await self._workers.register(
            WorkerRow(
                id=self.worker_id,
                hostname=HOSTNAME,
                pid=os.getpid(),
                started_at=self._started_at,
                heartbeat_at=now,
                role=self.identity.role,
                version=__version__,
                capacity=self.identity.capacity,
                running=0,
                workflows=list(self.identity.workflows),
                capabilities=list(self.identity.capabilities),
                draining=False,
                stopped_at=None,
            )
        )

    async def renew(self, running: int) -> Renewal:
        """Heartbeat. If our row had been removed or marked stopped (we were presumed dead), it is
        registered again and the renewal says so."""
        draining = await self._workers.renew(self.worker_id, datetime.now(UTC), running)
        if draining is not None:
            return Renewal(presumed_dead=False, draining=draining)
        await self.register()
        return Renewal(presumed_dead=True, draining=False)

    async def mark_draining(self) -> None:
        await self._workers.set_draining(self.worker_id, True)

    async def release(self) -> None:
        """A clean stop: the row stays (marked stopped) for the admin view."""
        await self._workers.mark_stopped([self.worker_id], datetime.now(UTC))
