"""Operations core benchmarks: throughput, submit-to-start latency, cancel latency, progress overhead."""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path

import bench_workflows  # noqa: F401  (registers bench.* workflows)
from sqlalchemy import text
from stats import Figure, percentile

from underway.operations.models import EventType
from underway.runtime import Runtime
from underway.settings import Settings
from underway.store.engine import writer_engine


async def _storage_floor(rt: Runtime, n: int) -> float:
    """Baseline: transactions per second for the bare minimum an operation must persist
    (one row insert and one event insert per transaction), with the same engine and driver."""
    engine = writer_engine(rt.engine)
    async with engine.begin() as conn:
        await conn.execute(
            text("CREATE TABLE IF NOT EXISTS bench_floor (id VARCHAR(36) PRIMARY KEY, seq INT)")
        )
    start = time.perf_counter()
    for _ in range(n):
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO bench_floor VALUES (:id, 1)"), {"id": str(uuid.uuid4())})
    return n / (time.perf_counter() - start)


async def throughput(rt: Runtime, n: int) -> list[Figure]:
    start = time.perf_counter()
    ops = [await rt.service.submit(workflow="bench.noop", params={}, owner=f"u{i % 50}") for i in range(n)]
    for op in ops:
        await rt.service.wait(op.id, timeout=300)
    rate = n / (time.perf_counter() - start)
    floor = await _storage_floor(rt, n)
    return [
        Figure(
            "No-op operations completed per second", rate, "ops/s", "single-row insert transactions/s", floor
        )
    ]


async def submit_to_start(rt: Runtime, n: int) -> list[Figure]:
    latencies = []
    for _ in range(n):
        op = await rt.service.submit(workflow="bench.noop", params={}, owner="latency")
        final = await rt.service.wait(op.id, timeout=60)
        assert final.started_at is not None
        latencies.append((final.started_at - final.created_at).total_seconds() * 1000)
    return [
        Figure("Submit-to-start latency p50", percentile(latencies, 0.5), "ms"),
        Figure("Submit-to-start latency p99", percentile(latencies, 0.99), "ms"),
    ]


async def cancel_latency(rt: Runtime, n: int) -> list[Figure]:
    latencies = []
    for _ in range(n):
        op = await rt.service.submit(
            workflow="bench.wait", params={"checkpoint_every_s": 0.01}, owner="cancel"
        )
        async for event in rt.service.subscribe(op.id):
            if event.type is EventType.STAGE:
                break
        start = time.perf_counter()
        await rt.service.cancel(op.id)
        final = await rt.service.wait(op.id, timeout=60)
        assert final.status == "cancelled"
        latencies.append((time.perf_counter() - start) * 1000)
    return [
        Figure("Cancel latency p50 (checkpoint every 10 ms)", percentile(latencies, 0.5), "ms"),
        Figure("Cancel latency p99 (checkpoint every 10 ms)", percentile(latencies, 0.99), "ms"),
    ]


async def progress_overhead(rt: Runtime, iterations: int, repeats: int) -> list[Figure]:
    async def timed(report: bool) -> float:
        op = await rt.service.submit(
            workflow="bench.loop", params={"iterations": iterations, "report": report}, owner="progress"
        )
        final = await rt.service.wait(op.id, timeout=600)
        assert final.started_at is not None
        assert final.finished_at is not None
        return (final.finished_at - final.started_at).total_seconds()

    with_progress, without = [], []
    for _ in range(repeats):  # interleaved so drift hits both sides alike
        with_progress.append(await timed(True))
        without.append(await timed(False))
    with_p, without_p = sorted(with_progress)[repeats // 2], sorted(without)[repeats // 2]
    return [
        Figure(
            f"Workflow with {iterations:,} progress calls",
            with_p * 1000,
            "ms",
            "same loop without progress calls",
            without_p * 1000,
        )
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
        figures += await throughput(rt, int(2000 * scale) or 20)
        figures += await submit_to_start(rt, int(300 * scale) or 10)
        figures += await cancel_latency(rt, int(100 * scale) or 5)
        figures += await progress_overhead(rt, 100_000, 3 if not quick else 1)
    return figures


def run(data_dir: Path, database_url: str, quick: bool) -> list[Figure]:
    return asyncio.run(run_core(data_dir, database_url, quick))
