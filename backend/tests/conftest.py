"""Shared fixtures: every core test runs on SQLite and on PostgreSQL.

PostgreSQL tests need a server at ``UNDERWAY_TEST_POSTGRES_URL`` (default: local trust auth). When it is
unreachable they are skipped on a developer's machine but fail in CI (``CI`` set), so CI can never go
green by silently skipping them.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

import tests.support.workflows  # noqa: F401  (registers the test workflows)
from underway.operations.models import EventType, Operation, OperationEvent
from underway.runtime import Runtime
from underway.settings import Settings

POSTGRES_ADMIN_URL = os.environ.get("UNDERWAY_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _postgres_available() -> str | None:
    try:
        with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return str(exc)


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    problem = _postgres_available()
    if problem is not None:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI but unreachable: {problem}")
        pytest.skip(f"PostgreSQL unreachable: {problem}")
    return POSTGRES_ADMIN_URL


def _fresh_postgres_database(admin_url: str) -> tuple[str, Callable[[], None]]:
    name = f"underway_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = admin_url.rpartition("/")

    def drop() -> None:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"{base}/{name}", drop


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'db' / 'underway.db'}"
        return
    admin = request.getfixturevalue("postgres_admin_url")
    url, drop = _fresh_postgres_database(admin)
    try:
        yield url
    finally:
        drop()


@pytest.fixture
def settings_factory(tmp_path: Path, database_url: str) -> Callable[..., Settings]:
    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "data_dir": tmp_path / "data",
            "database_url": database_url,
            "workers": 4,
            "cancel_grace_s": 1.0,
            "progress_interval_s": 0.05,
            "shutdown_grace_s": 0,  # tests that drain on SIGTERM ask for a grace period
        }
        values.update(overrides)
        return Settings(**values)

    return make


@pytest.fixture
def settings(settings_factory: Callable[..., Settings]) -> Settings:
    return settings_factory()


@pytest.fixture
async def runtime(settings: Settings) -> AsyncIterator[Runtime]:
    async with Runtime.open(settings) as rt:
        yield rt


async def wait_for_status(rt: Runtime, op_id: str, *statuses: str, timeout: float = 20) -> Operation:
    """Follow the live stream until the operation reaches one of ``statuses`` (no polling sleeps)."""

    async def follow() -> Operation:
        op = await rt.service.get(op_id)
        if op.status in statuses:
            return op
        async for event in rt.service.subscribe(op_id, after_seq=op.last_seq):
            if event.type is EventType.STATUS and event.status in statuses:
                return await rt.service.get(op_id)
        return await rt.service.get(op_id)

    return await asyncio.wait_for(follow(), timeout)


async def wait_for_event(
    rt: Runtime, op_id: str, predicate: Callable[[OperationEvent], bool], timeout: float = 20
) -> OperationEvent:
    async def follow() -> OperationEvent:
        async for event in rt.service.subscribe(op_id):
            if predicate(event):
                return event
        raise AssertionError("stream ended before the expected event")

    return await asyncio.wait_for(follow(), timeout)
