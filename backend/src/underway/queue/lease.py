"""Worker leases: how a dispatcher says "I am alive, and these operations are mine".

Each dispatcher registers a row in ``workers`` (id, hostname, pid) and renews its ``heartbeat_at``
every ``UNDERWAY_HEARTBEAT_S``. A claimed operation records the worker's id. A lease has lapsed, and
the worker's operations may be settled by anyone, when:

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
from datetime import UTC, datetime, timedelta

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
    if as_utc(worker.heartbeat_at) < now - timedelta(seconds=lease_s):
        return True
    return worker.hostname == HOSTNAME and not pid_alive(worker.pid)


class WorkerLease:
    """This dispatcher's row in ``workers``."""

    def __init__(self, workers: WorkerRepository) -> None:
        self._workers = workers
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
            )
        )

    async def renew(self) -> bool:
        """Heartbeat. False if our row had been removed (we were presumed dead); it is back now."""
        if await self._workers.renew(self.worker_id, datetime.now(UTC)):
            return True
        await self.register()
        return False

    async def release(self) -> None:
        await self._workers.remove([self.worker_id])
