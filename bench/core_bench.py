"""Operations core benchmarks: submit-to-start latency, cancel latency, progress overhead (in-process
runtime). Throughput is measured against arq and Celery in compare.py."""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import bench_workflows  # noqa: F401  (registers bench.* workflows)
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from stats import Figure, percentile

from underway.operations.models import EventType
from underway.runtime import Runtime
from underway.settings import Settings
from underway.store.engine import writer_engine


@asynccontextmanager
async def _scratch_table(rt: Runtime) -> AsyncIterator[AsyncEngine]:
    """Throwaway tables on the same engine and driver, for the storage baselines; dropped after."""
    engine = writer_engine(rt.engine)
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE bench_floor (id VARCHAR(36) PRIMARY KEY, seq INT)"))
        await conn.execute(
            text("CREATE TABLE bench_floor_events (id VARCHAR(36), seq INT, PRIMARY KEY (id, seq))")
        )
    try:
        yield engine
    finally:
        async with engine.begin() as conn:
            await conn.execute(text("DROP TABLE bench_floor_events"))
            await conn.execute(text("DROP TABLE bench_floor"))


# Each bare-SQL state change writes the row and one event in one transaction, as every status change
# of an operation does.
async def _commit_insert(engine: AsyncEngine) -> str:
    row_id = str(uuid.uuid4())
    async with engine.begin() as conn:
        await conn.execute(text("INSERT INTO bench_floor VALUES (:id, 1)"), {"id": row_id})
        await conn.execute(text("INSERT INTO bench_floor_events VALUES (:id, 1)"), {"id": row_id})
    return row_id


async def _commit_update(engine: AsyncEngine, row_id: str) -> None:
    async with engine.begin() as conn:
        await conn.execute(text("UPDATE bench_floor SET seq = seq + 1 WHERE id = :id"), {"id": row_id})
        await conn.execute(
            text("INSERT INTO bench_floor_events SELECT id, seq FROM bench_floor WHERE id = :id"),
            {"id": row_id},
        )


async def _started_when_woken(engine: AsyncEngine, woken: asyncio.Event, row: list[str]) -> None:
    await woken.wait()
    await _commit_update(engine, row[0])


async def _handoff_floor(rt: Runtime, n: int) -> list[float]:
    """Baseline for submit-to-start: commit a row, wake another task, which commits its update.

    The least any durable queue must do between "accepted" and "started", on the same engine."""
    latencies = []
    async with _scratch_table(rt) as engine:
        for _ in range(n):
            woken, row = asyncio.Event(), list[str]()
            task = asyncio.create_task(_started_when_woken(engine, woken, row))
            start = time.perf_counter()
            row.append(await _commit_insert(engine))
            woken.set()
            await task
            latencies.append((time.perf_counter() - start) * 1000)
    return latencies


async def _poll_until_stopped(engine: AsyncEngine, row_id: str, stop: asyncio.Event, every_s: float) -> None:
    # Polling on purpose: this models a workflow that looks at its stop flag at each checkpoint.
    while not stop.is_set():  # noqa: ASYNC110
        await asyncio.sleep(every_s)
    await _commit_update(engine, row_id)


async def _checkpoint_floor(rt: Runtime, n: int, every_s: float) -> list[float]:
    """Baseline for cancel: a loop checks a flag every ``every_s``; the canceller commits an update and
    sets the flag; the loop notices and commits the final update."""
    latencies = []
    async with _scratch_table(rt) as engine:
        for _ in range(n):
            row_id = await _commit_insert(engine)
            stop = asyncio.Event()
            task = asyncio.create_task(_poll_until_stopped(engine, row_id, stop, every_s))
            await asyncio.sleep(every_s * 2)  # the loop is mid-wait, as a running workflow would be
            start = time.perf_counter()
            await _commit_update(engine, row_id)
            stop.set()
            await task
            latencies.append((time.perf_counter() - start) * 1000)
    return latencies


async def submit_to_start(rt: Runtime, n: int) -> list[Figure]:
    latencies = []
    for _ in range(n):
        op = await rt.service.submit(workflow="bench.noop", params={}, owner="latency")
        final = await rt.service.wait(op.id, timeout=60)
        assert final.started_at is not None
        latencies.append((final.started_at - final.created_at).total_seconds() * 1000)
    floor = await _handoff_floor(rt, n)
    baseline = "commit, wake a task, commit"
    return [
        Figure(
            "Submit-to-start latency p50", percentile(latencies, 0.5), "ms", baseline, percentile(floor, 0.5)
        ),
        Figure(
            "Submit-to-start latency p99",
            percentile(latencies, 0.99),
            "ms",
            baseline,
            percentile(floor, 0.99),
        ),
    ]


async def cancel_latency(rt: Runtime, n: int) -> list[Figure]:
    every_s = 0.01
    latencies = []
    for _ in range(n):
        op = await rt.service.submit(
            workflow="bench.wait", params={"checkpoint_every_s": every_s}, owner="cancel"
        )
        async for event in rt.service.subscribe(op.id):
            if event.type is EventType.STAGE:
                break
        start = time.perf_counter()
        await rt.service.cancel(op.id)
        final = await rt.service.wait(op.id, timeout=60)
        assert final.status == "cancelled"
        latencies.append((time.perf_counter() - start) * 1000)
    floor = await _checkpoint_floor(rt, n, every_s)
    baseline = "flag polled every 10 ms, two commits"
    return [
        Figure(
            "Cancel latency p50 (checkpoint every 10 ms)",
            percentile(latencies, 0.5),
            "ms",
            baseline,
            percentile(floor, 0.5),
        ),
        Figure(
            "Cancel latency p99 (checkpoint every 10 ms)",
            percentile(latencies, 0.99),
            "ms",
            baseline,
            percentile(floor, 0.99),
        ),
        Figure(
            "Cancel latency p99 (checkpoint every 10 ms), against its bound",
            percentile(latencies, 0.99),
            "ms",
            "the checkpoint interval + 20 ms",
            every_s * 1000 + 20,
        ),
    ]


# Arithmetic steps per iteration of the "real work" loop: about 20 µs on an idle 2-core Xeon.
WORK_STEPS = 200


async def progress_overhead(
    rt: Runtime, iterations: int, repeats: int, work: int = WORK_STEPS
) -> list[Figure]:
    async def timed(report: bool) -> tuple[float, int]:
        params = {"iterations": iterations, "report": report, "work": work}
        op = await rt.service.submit(workflow="bench.loop", params=params, owner="progress")
        final = await rt.service.wait(op.id, timeout=600)
        assert final.started_at is not None
        assert final.finished_at is not None
        return (final.finished_at - final.started_at).total_seconds(), final.last_seq

    with_progress, without, rows = [], [], []
    for _ in range(repeats):  # interleaved so drift hits both sides alike
        seconds, events = await timed(True)
        with_progress.append(seconds)
        rows.append(events)
        without.append((await timed(False))[0])
    with_p, without_p = statistics.median(with_progress), statistics.median(without)
    step_us = without_p / iterations * 1e6
    return [
        Figure(
            f"Workflow with {iterations:,} progress calls, {step_us:.0f} µs of work per step",
            with_p * 1000,
            "ms",
            "same loop without progress calls",
            without_p * 1000,
        ),
        Figure(
            f"Event rows persisted for {iterations:,} progress calls",
            statistics.median(rows),
            "rows",
            "progress calls",
            iterations,
        ),
    ]


async def run_core(data_dir: Path, database_url: str, quick: bool) -> list[Figure]:
    settings = Settings(
        data_dir=data_dir,
        database_url=database_url,
        workers=8,
        max_running_per_user=8,
        queue_capacity=100_000,
        max_queued_per_user=100_000,
        cancel_grace_s=5,
    )
    scale = 0.1 if quick else 1.0
    figures: list[Figure] = []
    async with Runtime.open(settings) as rt:
        figures += await submit_to_start(rt, int(300 * scale) or 10)
        figures += await cancel_latency(rt, int(100 * scale) or 5)
        figures += await progress_overhead(rt, 100_000, 3 if not quick else 1)
    return figures


def run(data_dir: Path, database_url: str, quick: bool) -> list[Figure]:
    return asyncio.run(run_core(data_dir, database_url, quick))
