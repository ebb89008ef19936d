"""Helpers for tests with several workers on one database.

A *foreign* worker is a lease row written through our own store API, standing for a process we do not
start (another machine, or one whose heartbeat stopped); an operation can be claimed in its name with
the repository's real compare-and-set."""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from underway.operations.models import EventType, Operation
from underway.queue.lease import HOSTNAME
from underway.runtime import Runtime
from underway.store.tables import WorkerRow
from underway.store.workers_repo import WorkerRepository


async def add_foreign_worker(
    rt: Runtime, *, hostname: str = HOSTNAME, pid: int | None = None, heartbeat_age_s: float = 0
) -> str:
    """Register a worker lease; by default on this host with a live pid (this test process)."""
    now = datetime.now(UTC)
    worker = WorkerRow(
        id=str(uuid.uuid4()),
        hostname=hostname,
        pid=os.getpid() if pid is None else pid,
        started_at=now - timedelta(seconds=heartbeat_age_s),
        heartbeat_at=now - timedelta(seconds=heartbeat_age_s),
    )
    await WorkerRepository(rt.engine).register(worker)
    return worker.id


async def claim_for(rt: Runtime, worker_id: str, workflow: str, params: dict[str, Any]) -> str:
    """Submit an operation and claim it for ``worker_id``. ``rt`` must run no workers of its own."""
    op = await rt.service.submit(workflow=workflow, params=params, owner="alice")
    claimed = await rt.repo.claim(
        worker_id=worker_id, limit=1, workflows=[workflow], max_running_per_user=100
    )
    assert [row.id for row in claimed] == [op.id]
    return op.id


async def status_events(rt: Runtime, op_id: str) -> list[tuple[str, str | None]]:
    return [(e.status.value, e.message) for e in await rt.service.events(op_id) if e.type is EventType.STATUS]


async def until(rt: Runtime, op_id: str, done: Callable[[Operation], bool], timeout: float = 30) -> Operation:
    """Read the operation until ``done`` holds, with a deadline. For operations another runtime runs,
    whose live events this runtime's stream does not carry."""
    deadline = time.monotonic() + timeout
    while True:
        op = await rt.service.get(op_id)
        if done(op):
            return op
        if time.monotonic() > deadline:
            raise AssertionError(f"operation {op_id} still {op.status.value} after {timeout} s")
        await asyncio.sleep(0.05)
