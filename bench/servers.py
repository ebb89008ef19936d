"""Start real server processes on free ports for the API benchmarks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import httpx
import psycopg
from sqlalchemy.engine import make_url

BACKEND = Path(__file__).resolve().parents[1] / "backend"
BENCH = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_ready(url: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{url} not ready")


@contextmanager
def process(args: list[str], env: dict[str, str], ready_url: str) -> Iterator[None]:
    log = open(Path(env["UNDERWAY_DATA_DIR"]) / f"server-{Path(args[-1]).name}.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(args, env=env, cwd=BACKEND, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_ready(ready_url, proc)
        yield
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def underway_env(data_dir: Path, database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNDERWAY_")}
    env.update(
        UNDERWAY_DATA_DIR=str(data_dir),
        UNDERWAY_DATABASE_URL=database_url,
        UNDERWAY_RATE_LIMIT_SUBMIT="1000000/minute",
        UNDERWAY_RATE_LIMIT_READ="1000000/minute",
        UNDERWAY_QUEUE_CAPACITY="1000000",
        UNDERWAY_MAX_QUEUED_PER_USER="1000000",
        UNDERWAY_WORKFLOW_MODULES='["bench_workflows"]',
        PYTHONPATH=str(BENCH),
        **extra,
    )
    return env


def create_user(env: dict[str, str], name: str, password: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "underway", "users", "create", name, "--password", password],
        env=env,
        cwd=BACKEND,
        check=True,
        capture_output=True,
    )


Databases = Callable[[str], AbstractContextManager[str]]


def databases(tmpdir: Path, postgres_url: str | None) -> Databases:
    """Fresh, empty databases for each measurement: SQLite files in ``tmpdir``, or new databases on
    the PostgreSQL server of ``postgres_url`` (a database there the bench may CREATE and DROP from),
    dropped afterwards."""

    @contextmanager
    def fresh(name: str) -> Iterator[str]:
        suffix = uuid.uuid4().hex[:8]  # a new one at every call, even for the same name
        if postgres_url is None:
            yield f"sqlite:///{tmpdir / name}-{suffix}.db"
            return
        database = f"underway_bench_{name}_{suffix}"
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{database}"')
        try:
            yield make_url(postgres_url).set(database=database).render_as_string(hide_password=False)
        finally:
            with psycopg.connect(postgres_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    return fresh


def durability(url: str) -> str:
    """The settings that make a commit durable, as the database reports them to Underway."""
    import asyncio

    from sqlalchemy import text

    from underway.store.engine import create_engine

    async def read() -> str:
        engine = create_engine(url)
        try:
            async with engine.connect() as conn:
                if engine.dialect.name == "postgresql":
                    value = (await conn.execute(text("SHOW synchronous_commit"))).scalar_one()
                    return f"synchronous_commit={value}"
                journal = (await conn.execute(text("PRAGMA journal_mode"))).scalar_one()
                sync = (await conn.execute(text("PRAGMA synchronous"))).scalar_one()
                names = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}
                return f"journal_mode={journal}, synchronous={names.get(sync, sync)}"
        finally:
            await engine.dispose()

    return asyncio.run(read())
