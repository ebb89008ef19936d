"""Underway's side of the comparison: submit the job N times concurrently, wait for all of it.

    python underway_job.py --database URL --workers 64              # this runtime runs the job too
    python underway_job.py --database URL --worker-processes 3      # `underway worker`s run it
    python underway_job.py --database URL --api BASE_URL --token T  # authenticated HTTP clients

Prints one JSON line: the wall-clock start, when the last submission was accepted, and when the
last operation finished (its ``finished_at``, as stored). Completion is watched with one count
query every 20 ms, as the other systems' drivers watch their result stores.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import bench_workflows  # noqa: F401  (registers bench.job)
import httpx
from machine import busy_since, cpu_times
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from underway.runtime import Runtime
from underway.settings import Settings
from underway.store.engine import create_engine

JOB = {"workflow": "bench.job", "params": {}}
OWNERS = 16  # submissions are spread over this many users (per-user limits stay in force)
_POLL_S = 0.02


async def _submit_all(n: int, concurrency: int, submit: Callable[[int], Awaitable[None]]) -> None:
    next_index = iter(range(n))

    async def submitter() -> None:
        for i in next_index:
            await submit(i)

    await asyncio.gather(*(submitter() for _ in range(concurrency)))


async def _finished(engine: AsyncEngine, n: int) -> float:
    """When the last of the ``n`` operations finished, once all have."""
    count = text("SELECT count(*) FROM operations WHERE status = 'completed'")
    while True:
        async with engine.connect() as conn:
            if (await conn.execute(count)).scalar_one() >= n:
                last = (await conn.execute(text("SELECT max(finished_at) FROM operations"))).scalar_one()
                break
        await asyncio.sleep(_POLL_S)
    return _as_timestamp(last)


def _as_timestamp(value: datetime | str) -> float:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value  # str: SQLite
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


async def drain(url: str, n: int) -> dict[str, float | None]:
    """Wait for worker processes to run ``n`` operations queued before they started: the drain
    rate of a full queue, from the first start to the last finish (what the workers alone do)."""
    engine = create_engine(url)
    cpu = cpu_times()
    finished = await _finished(engine, n)
    busy = busy_since(cpu)
    async with engine.connect() as conn:
        first = (await conn.execute(text("SELECT min(started_at) FROM operations"))).scalar_one()
    await engine.dispose()
    start = _as_timestamp(first)
    return {"start": start, "submitted": start, "finished": finished, "cpu_busy": busy}


async def _wait_for_workers(engine: AsyncEngine, processes: int) -> None:
    query = text("SELECT count(*) FROM workers WHERE role = 'worker'")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        async with engine.connect() as conn:
            if (await conn.execute(query)).scalar_one() >= processes:
                return
        await asyncio.sleep(0.1)
    raise TimeoutError(f"{processes} worker processes did not register")


async def in_process(
    url: str, n: int, concurrency: int, workers: int, processes: int, data_dir: Path, *, wait: bool = True
) -> dict[str, float | None]:
    """Submit through this process's runtime; it runs the job itself (``workers``) or leaves it
    to ``processes`` worker processes on the same database (``wait=False``: submit and return)."""
    settings = Settings(
        data_dir=data_dir,
        database_url=url,
        workers=workers,
        max_running_per_user=max(workers, 1),  # the claimers' own limit applies (not binding here)
        queue_capacity=1_000_000,
        max_queued_per_user=1_000_000,
    )
    async with Runtime.open(settings, start_workers=workers > 0) as rt:
        if workers == 0 and processes > 0:
            await _wait_for_workers(rt.engine, processes)

        async def submit(i: int) -> None:
            await rt.service.submit(workflow="bench.job", params={}, owner=f"user{i % OWNERS}")

        cpu = cpu_times()
        start = time.time()
        await _submit_all(n, concurrency, submit)
        submitted = time.time()
        if not wait:
            return {"start": start, "submitted": submitted, "finished": submitted, "cpu_busy": None}
        finished = await _finished(rt.engine, n)
        busy = busy_since(cpu)
    return {"start": start, "submitted": submitted, "finished": finished, "cpu_busy": busy}


async def over_http(base: str, url: str, n: int, concurrency: int, token: str) -> dict[str, float | None]:
    engine = create_engine(url)
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=60) as client:

        async def submit(_: int) -> None:
            response = await client.post("/api/v1/operations", json=JOB)
            if response.status_code != 202:
                raise RuntimeError(f"{response.status_code}: {response.text}")

        start = time.time()
        await _submit_all(n, concurrency, submit)
        submitted = time.time()
    finished = await _finished(engine, n)
    await engine.dispose()
    return {"start": start, "submitted": submitted, "finished": finished}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", required=True, help="the database URL")
    parser.add_argument("--n", type=int, default=2000, help="operations")
    parser.add_argument("--concurrency", type=int, default=16, help="concurrent submitters")
    parser.add_argument("--workers", type=int, default=0, help="operations this process runs at once")
    parser.add_argument("--worker-processes", type=int, default=0, help="`underway worker`s to wait for")
    parser.add_argument("--api", default=None, metavar="BASE_URL", help="submit over HTTP to this server")
    parser.add_argument("--token", default="", help="bearer token for --api")
    parser.add_argument("--data-dir", type=Path, default=Path("."))
    parser.add_argument("--submit-only", action="store_true", help="queue the operations and exit")
    parser.add_argument("--drain", action="store_true", help="wait for workers to run what is queued")
    args = parser.parse_args()
    result: dict[str, float | None]
    if args.drain:
        result = asyncio.run(drain(args.database, args.n))
    elif args.api is not None:
        result = asyncio.run(over_http(args.api, args.database, args.n, args.concurrency, args.token))
    else:
        result = asyncio.run(
            in_process(
                args.database,
                args.n,
                args.concurrency,
                args.workers,
                args.worker_processes,
                args.data_dir,
                wait=not args.submit_only,
            )
        )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
