"""The schema: migrations match store/tables.py, and a database from before worker leases upgrades
with its work intact (queued work runs; work left running is recovered by the restart policy)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, create_engine, insert, make_url
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import underway.auth.tables
import underway.chat.tables
import underway.store.tables
import underway.triggers.tables
import underway.webhooks.tables  # noqa: F401  (the full metadata)
from tests.support.rows import operation_row
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


async def test_a_database_from_before_worker_leases_upgrades_and_recovers_its_work(
    database_url: str, settings_factory: Callable[..., Settings]
) -> None:
    url = database_url
    settings = settings_factory()
    sqlite_file = make_url(url).database
    if url.startswith("sqlite:///") and sqlite_file:
        Path(sqlite_file).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(url), "0002")
    running = operation_row("running", "test.fragile", params={"seconds": 60})
    queued = operation_row("queued", "demo.sleep", params={"steps": 1, "step_s": 0})
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


def test_the_chat_tables_migration_is_reversible(database_url: str) -> None:
    upgrade_sync(database_url)
    config = alembic_config(database_url)
    command.downgrade(config, "0005")  # the revision before the chat tables
    engine = _sync_engine(database_url)
    try:
        tables = MetaData()
        tables.reflect(engine)
        assert not [name for name in tables.tables if name.startswith("chat_")]
    finally:
        engine.dispose()
    command.upgrade(config, "head")
