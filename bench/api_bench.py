"""API benchmarks: authenticated submissions per second against a bare FastAPI endpoint, and
progress latency from the worker to WebSocket clients with hundreds of concurrent streams."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from datetime import datetime
from pathlib import Path

import httpx
import websockets
from servers import create_user, free_port, process, underway_env
from stats import Figure, percentile

PASSWORD = "bench-password-123"


async def _hammer(
    client: httpx.AsyncClient, path: str, body: dict[str, object], total: int, concurrency: int
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


async def _token(base: str) -> str:
    async with httpx.AsyncClient(base_url=base) as c:
        r = await c.post("/api/v1/auth/token", data={"username": "bench", "password": PASSWORD})
        r.raise_for_status()
        return str(r.json()["access_token"])


def submissions(data_dir: Path, database_url: str, quick: bool) -> list[Figure]:
    total, concurrency = (200, 8) if quick else (2000, 16)
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
        token = asyncio.run(_token(base))
        body = {"workflow": "bench.noop", "params": {}}

        async def measure() -> tuple[float, float]:
            headers = {"Authorization": f"Bearer {token}"}
            async with (
                httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as ours,
                httpx.AsyncClient(base_url=f"http://127.0.0.1:{bare_port}", timeout=60) as bare,
            ):
                await _hammer(ours, "/api/v1/operations", body, 20, 4)  # warm-up
                await _hammer(bare, "/submit", body, 20, 4)
                rate = await _hammer(ours, "/api/v1/operations", body, total, concurrency)
                bare_rate = await _hammer(bare, "/submit", body, total, concurrency)
                return rate, bare_rate

        rate, bare_rate = asyncio.run(measure())
    return [
        Figure(
            f"Authenticated submissions per second ({concurrency} concurrent clients)",
            rate,
            "req/s",
            "bare FastAPI endpoint",
            bare_rate,
        )
    ]


def stream_latency(data_dir: Path, database_url: str, quick: bool) -> list[Figure]:
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
        latencies = asyncio.run(_watch(base, operations, watchers))
    return [
        Figure(
            f"Worker-to-WebSocket progress latency p50 ({operations * watchers} streams)",
            percentile(latencies, 0.5),
            "ms",
        ),
        Figure(
            f"Worker-to-WebSocket progress latency p99 ({operations * watchers} streams)",
            percentile(latencies, 0.99),
            "ms",
        ),
    ]


async def _watch(base: str, operations: int, watchers: int) -> list[float]:
    token = await _token(base)
    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {token}"}) as client:
        ids = []
        for _ in range(operations):
            r = await client.post(
                "/api/v1/operations", json={"workflow": "demo.sleep", "params": {"steps": 40, "step_s": 0.05}}
            )
            ids.append(r.json()["id"])
    latencies: list[float] = []
    ws_base = base.replace("http", "ws", 1)

    async def watch(op_id: str) -> None:
        async with websockets.connect(f"{ws_base}/api/v1/operations/{op_id}/stream", max_size=2**22) as ws:
            await ws.send(json.dumps({"type": "auth", "token": token}))
            async for raw in ws:
                now = time.time()
                message = json.loads(raw)
                if message.get("type") != "event":
                    continue
                event = message["event"]
                if event["type"] in ("progress", "stage"):
                    latencies.append((now - datetime.fromisoformat(event["ts"]).timestamp()) * 1000)

    await asyncio.gather(*(watch(op_id) for op_id in ids for _ in range(watchers)))
    return latencies


def run(data_dir: Path, database_url: str, quick: bool) -> list[Figure]:
    """``database_url`` names the server; each measurement gets a fresh SQLite file when it is SQLite."""

    def url(name: str) -> str:
        return f"sqlite:///{data_dir / name}.db" if database_url.startswith("sqlite") else database_url

    return submissions(data_dir / "submit", url("submit"), quick) + stream_latency(
        data_dir / "streams", url("streams"), quick
    )
