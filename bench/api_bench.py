"""API benchmarks: authenticated submissions per second against a bare FastAPI endpoint, and
progress latency from the worker to WebSocket clients with hundreds of concurrent streams."""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import httpx
import websockets
from servers import Databases, create_user, free_port, process, underway_env
from stats import Figure, percentile

PASSWORD = "bench-password-123"
TERMINAL = {"completed", "failed", "cancelled", "timed_out"}
LIVE_TYPES = {"progress", "stage"}


async def _hammer(
    client: httpx.AsyncClient, path: str, body: Mapping[str, object], total: int, concurrency: int
) -> float:
    done = 0

    async def worker() -> None:
        nonlocal done
        while done < total:
            done += 1
            response = await client.post(path, json=body)
            assert response.status_code == 202, response.text

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return total / (time.perf_counter() - start)


async def token_for(base: str) -> str:
    async with httpx.AsyncClient(base_url=base) as c:
        r = await c.post("/api/v1/auth/token", data={"username": "bench", "password": PASSWORD})
        r.raise_for_status()
        return str(r.json()["access_token"])


async def _drained(client: httpx.AsyncClient) -> None:
    """Wait until the caller has nothing queued or running, so the next round starts on a quiet server."""
    while True:
        r = await client.get("/api/v1/stats")
        r.raise_for_status()
        if r.json()["active"] == 0:
            return
        await asyncio.sleep(0.2)


def submissions(data_dir: Path, database_url: str, quick: bool) -> list[Figure]:
    """Rounds alternate between the bare endpoint and ours, and each starts after the operations the
    previous round submitted have run, so neither side measures while the other's work competes
    for the same cores."""
    total, concurrency, rounds = (200, 8, 1) if quick else (1000, 16, 3)
    env = underway_env(data_dir, database_url, UNDERWAY_WORKERS="4")
    create_user(env, "bench", PASSWORD)
    bare_port, port = free_port(), free_port()
    bare_args = [
        sys.executable,
        "-m",
        "uvicorn",
        "bare_app:app",
        "--port",
        str(bare_port),
        "--log-level",
        "warning",
    ]
    serve_args = [sys.executable, "-m", "underway", "serve", "--port", str(port)]
    with (
        process(bare_args, env, f"http://127.0.0.1:{bare_port}/docs"),
        process(serve_args, env, f"http://127.0.0.1:{port}/api/v1/health"),
    ):
        base = f"http://127.0.0.1:{port}"
        token = asyncio.run(token_for(base))
        body = {"workflow": "bench.noop", "params": {}}

        async def measure() -> tuple[list[float], list[float]]:
            headers = {"Authorization": f"Bearer {token}"}
            ours_rates, bare_rates = [], []
            async with (
                httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as ours,
                httpx.AsyncClient(base_url=f"http://127.0.0.1:{bare_port}", timeout=60) as bare,
            ):
                await _hammer(ours, "/api/v1/operations", body, 20, 4)  # warm-up
                await _hammer(bare, "/submit", body, 20, 4)
                for _ in range(rounds):
                    await _drained(ours)
                    bare_rates.append(await _hammer(bare, "/submit", body, total, concurrency))
                    ours_rates.append(await _hammer(ours, "/api/v1/operations", body, total, concurrency))
                await _drained(ours)
            return ours_rates, bare_rates

        ours_rates, bare_rates = asyncio.run(measure())
    return [
        Figure(
            f"Authenticated submissions per second ({concurrency} concurrent clients)",
            statistics.median(ours_rates),
            "req/s",
            "bare FastAPI endpoint",
            statistics.median(bare_rates),
        )
    ]


def stream_latency(data_dir: Path, database_url: str, quick: bool) -> list[Figure]:
    """Latency from a worker's event to every client watching it, with many concurrent streams, against
    one stream watching one operation measured on the same server just before."""
    operations, watchers = (10, 10) if quick else (25, 12)  # 300 concurrent streams by default
    env = underway_env(
        data_dir,
        database_url,
        UNDERWAY_WORKERS=str(operations),
        UNDERWAY_MAX_RUNNING_PER_USER=str(operations),
    )
    create_user(env, "bench", PASSWORD)
    port = free_port()
    with process(
        [sys.executable, "-m", "underway", "serve", "--port", str(port)],
        env,
        f"http://127.0.0.1:{port}/api/v1/health",
    ):
        base = f"http://127.0.0.1:{port}"
        single = asyncio.run(_watch(base, 1, 1))
        many = asyncio.run(_watch(base, operations, watchers))
    streams = operations * watchers
    if many.finished != streams:
        raise RuntimeError(f"only {many.finished} of {streams} streams reached the terminal event")
    return [
        Figure(
            f"Worker-to-WebSocket progress latency p50 ({streams} streams)",
            percentile(many.latencies, 0.5),
            "ms",
            "one stream",
            percentile(single.latencies, 0.5),
        ),
        Figure(
            f"Worker-to-WebSocket progress latency p99 ({streams} streams)",
            percentile(many.latencies, 0.99),
            "ms",
            "one stream",
            percentile(single.latencies, 0.99),
        ),
    ]


@dataclass
class Watched:
    latencies: list[float] = field(default_factory=list)
    finished: int = 0  # streams that reached the terminal event


async def _watch(base: str, operations: int, watchers: int) -> Watched:
    """Every stream connects first; latency is recorded only once all of them are open, so the
    figure is the steady state of the fan-out, not the storm of connections and catch-up reads."""
    token = await token_for(base)
    streams = operations * watchers
    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {token}"}) as client:
        ids = []
        for _ in range(operations):
            r = await client.post(
                "/api/v1/operations",
                json={"workflow": "demo.sleep", "params": {"steps": 200, "step_s": 0.05}},
            )
            ids.append(r.json()["id"])
    watched = Watched()
    ws_base = base.replace("http", "ws", 1)
    opened = 0
    all_open_at: float | None = None  # events stamped before it may be catch-up reads of a log

    async def watch(op_id: str) -> None:
        nonlocal opened, all_open_at
        async with websockets.connect(f"{ws_base}/api/v1/operations/{op_id}/stream", max_size=2**22) as ws:
            await ws.send(json.dumps({"type": "auth", "token": token}))
            async for raw in ws:
                now = time.time()
                message = json.loads(raw)
                if message.get("type") == "snapshot":
                    opened += 1
                    if opened == streams:
                        all_open_at = now
                if message.get("type") != "event":
                    continue
                event = message["event"]
                stamped = datetime.fromisoformat(event["ts"]).timestamp()
                if event["status"] in TERMINAL:
                    watched.finished += 1
                elif all_open_at is not None and stamped >= all_open_at and event["type"] in LIVE_TYPES:
                    # Emitted once every stream was open: a live event, not one read back on connecting.
                    watched.latencies.append((now - stamped) * 1000)

    await asyncio.gather(*(watch(op_id) for op_id in ids for _ in range(watchers)))
    return watched


def run(data_dir: Path, database: Databases, quick: bool) -> list[Figure]:
    """Each measurement starts its server on a fresh database."""
    with database("submit") as url:
        figures = submissions(data_dir / "submit", url, quick)
    with database("streams") as url:
        figures += stream_latency(data_dir / "streams", url, quick)
    return figures
