"""The schema: migrations match store/tables.py, and a database from before worker leases upgrades
with its work intact (queued work runs; work left running is recovered by the restart policy)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, create_engine, insert, make_url
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import underway.auth.tables
import underway.store.tables
import underway.triggers.tables
import underway.webhooks.tables  # noqa: F401  (the full metadata)
from underway.operations.recovery import INTERRUPTED
from underway.operations.status import OperationStatus
from underway.runtime import Runtime
from underway.settings import Settings
from underway.store.engine import alembic_config, upgrade_sync


def _sync_engine(url: str) -> Engine:
    return create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))


def test_the_migrations_create_exactly_the_tables_declared(database_url: str) -> None:
    upgrade_sync(database_url)
    engine = _sync_engine(database_url)
    try:
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), SQLModel.metadata) == []
    finally:
        engine.dispose()


def test_the_webhooks_migration_goes_down_and_up_again(database_url: str) -> None:
    upgrade_sync(database_url)
    command.downgrade(alembic_config(database_url), "0004")
    engine = _sync_engine(database_url)
    try:
        tables = MetaData()
        tables.reflect(engine)
        assert "webhook_deliveries" not in tables.tables and "triggers" not in tables.tables
        assert "callback_url" not in tables.tables["operations"].c
    finally:
        engine.dispose()
    test_the_migrations_create_exactly_the_tables_declared(database_url)


def _operation(status: str, workflow: str, params: dict[str, object]) -> dict[str, object]:
    now = datetime.now(UTC)
    return {
        "id": str(uuid.uuid4()),
        "workflow": workflow,
        "owner": "alice",
        "status": status,
        "priority": "normal",
        "priority_rank": 1,
        "params": params,
        "metadata": {},
        "timeout_s": 60.0,
        "created_at": now,
        "enqueued_at": now,
        "started_at": now if status == "running" else None,
        "artifacts": [],
        "percent": 0.0,
        "total_stages": 1,
        "last_seq": 0,
        "attempt": 1,
        "stage_durations": {},
    }


async def test_a_database_from_before_worker_leases_upgrades_and_recovers_its_work(
    database_url: str, settings_factory: Callable[..., Settings]
) -> None:
    url = database_url
    settings = settings_factory()
    sqlite_file = make_url(url).database
    if url.startswith("sqlite:///") and sqlite_file:
        Path(sqlite_file).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(url), "0002")
    running = _operation("running", "test.fragile", {"seconds": 60})
    queued = _operation("queued", "demo.sleep", {"steps": 1, "step_s": 0})
    engine = _sync_engine(url)
    try:
        tables = MetaData()
        tables.reflect(engine, only=["operations"])
        with engine.begin() as conn:
            conn.execute(insert(tables.tables["operations"]), [running, queued])
    finally:
        engine.dispose()

    async with Runtime.open(settings) as rt:  # upgrades to the newest revision, then recovers
        interrupted = await rt.service.get(str(running["id"]))
        ran = await rt.service.wait(str(queued["id"]), timeout=30)
    # Claimed before leases existed (no worker recorded): nobody can be running it any more.
    assert interrupted.status is OperationStatus.FAILED and interrupted.error == INTERRUPTED
    assert ran.status is OperationStatus.COMPLETED
