"""Database engines: one async engine for the service, a sync URL for Alembic."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import orjson
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, event, pool
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

_MIGRATIONS = Path(__file__).parent / "migrations"


def json_text(value: Any) -> str:
    """JSON columns' text: orjson, several times faster than the standard library on the hot path
    (every operation row and settlement carries a few JSON values). Non-string keys become strings,
    as with ``json.dumps``; NaN and infinities become ``null`` (they are not JSON)."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


# Every engine reads and writes JSON columns the same way.
_JSON = {"json_serializer": json_text, "json_deserializer": orjson.loads}


def _normalise(url: str, *, use_async: bool) -> URL:
    """Accept plain ``sqlite:///`` and ``postgresql://`` URLs and pick our drivers for them."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite" if use_async else "sqlite")
    if backend == "postgresql":
        return parsed.set(drivername="postgresql+psycopg")
    raise ValueError(f"unsupported database {backend!r}: use sqlite:/// or postgresql://")


# Readers held open per process, and a burst allowance beyond them (closed when returned). A
# PostgreSQL server's connections are shared by every process (max_connections, 100 by default).
_POOL_SIZE = 20
_POOL_OVERFLOW = 20
_PG_POOL_SIZE = 10
_PG_POOL_OVERFLOW = 10


def create_engine(url: str) -> AsyncEngine:
    async_url = _normalise(url, use_async=True)
    if async_url.get_backend_name() == "sqlite":
        if async_url.database:
            Path(async_url.database).parent.mkdir(parents=True, exist_ok=True)
        # Connections are kept, not closed past a small pool: opening one costs a thread, a file
        # open and the pragmas, far more than the short reads the API and the workers make.
        engine = create_async_engine(
            async_url,
            connect_args={"timeout": 30},
            pool_size=_POOL_SIZE,
            max_overflow=_POOL_OVERFLOW,
            **_JSON,
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
        return engine
    return create_async_engine(
        async_url, pool_size=_PG_POOL_SIZE, max_overflow=_PG_POOL_OVERFLOW, pool_pre_ping=True, **_JSON
    )


def create_writer_engine(url: str) -> Engine:
    """The synchronous engine of the store writer's thread: one connection, held for its lifetime.

    One connection is all the writer needs (it runs one transaction at a time), and on SQLite it
    must stay the same one: ``PRAGMA data_version`` tells a connection about other connections'
    commits only (see store/feed/sqlite.py)."""
    sync_url = _normalise(url, use_async=False)
    if sync_url.get_backend_name() == "sqlite":
        engine = create_sync_engine(
            sync_url,
            poolclass=pool.SingletonThreadPool,
            connect_args={"timeout": 30, "check_same_thread": False},
            **_JSON,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    return create_sync_engine(sync_url, pool_size=1, max_overflow=0, **_JSON)


READ_OPTION = "underway_read"


def sqlite_path(url: str) -> str | None:
    """The database file of a SQLite URL (None: another database, or an in-memory one)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return parsed.database


def _sqlite_begin_immediate(conn: Any) -> None:
    # The writer's transactions write; only its feed poll (store/feed/sqlite.py) reads.
    conn.exec_driver_sql("BEGIN" if conn.info.get(READ_OPTION) else "BEGIN IMMEDIATE")


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # WAL lets readers run beside the single writer; the busy timeout makes writers queue, not fail.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA synchronous=NORMAL")
    # No checkpoint inside a commit (it would stall the store writer, or a request, for a copy and
    # an fsync): the runtime's thread does them (store/checkpointer.py), and the last connection to
    # close a database checkpoints what is left.
    cur.execute("PRAGMA wal_autocheckpoint=0")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()
    # Take over BEGIN from the driver so write transactions can ask for BEGIN IMMEDIATE (below).
    dbapi_conn.isolation_level = None


WRITE_OPTION = "underway_write"


def _sqlite_begin(conn: Any) -> None:
    # A deferred transaction that reads and then writes fails at once with SQLITE_BUSY if another
    # writer committed in between (the busy timeout does not apply to that case). Write transactions
    # therefore take the write lock up front; reads stay deferred and never block under WAL.
    if conn.get_execution_options().get(WRITE_OPTION):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


def writer_engine(engine: AsyncEngine) -> AsyncEngine:
    """The same pool, marked so its transactions start as writers."""
    return engine.execution_options(**{WRITE_OPTION: True})


SessionT = TypeVar("SessionT", bound=AsyncSession)

# One lock per SQLite database (its connection pool) and event loop.
_write_turns: weakref.WeakKeyDictionary[Any, tuple[asyncio.AbstractEventLoop, asyncio.Lock]] = (
    weakref.WeakKeyDictionary()
)


@asynccontextmanager
async def write_session(engine: AsyncEngine, session_class: type[SessionT]) -> AsyncIterator[SessionT]:
    """A session for one write transaction (the caller begins and commits it).

    It starts as a writer (``BEGIN IMMEDIATE`` on SQLite, see :func:`writer_engine`) and, on SQLite,
    only once this process's previous writer is done. SQLite has one writer at a time; without the
    turn, a writer that finds the lock taken sleeps in SQLite's busy handler (1 ms, then 2, 5, 10...
    ms) and retries, so concurrent submits, claims and event batches slow each other down far more
    than their own work costs. Queueing on an asyncio lock hands the database over the moment the
    previous commit ends. Other processes on the same file still meet the busy timeout; PostgreSQL
    needs no turns.
    """
    async with _write_turn(engine), session_class(writer_engine(engine), expire_on_commit=False) as s:
        yield s


@asynccontextmanager
async def _write_turn(engine: AsyncEngine) -> AsyncIterator[None]:
    if engine.dialect.name != "sqlite":
        yield
        return
    pool = engine.sync_engine.pool
    loop = asyncio.get_running_loop()
    held = _write_turns.get(pool)
    if held is None or held[0] is not loop:
        held = (loop, asyncio.Lock())
        _write_turns[pool] = held
    async with held[1]:
        yield


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    cfg.set_main_option(
        "sqlalchemy.url", _normalise(url, use_async=False).render_as_string(hide_password=False)
    )
    return cfg


def upgrade_sync(url: str) -> None:
    sync_url = _normalise(url, use_async=False)
    if sync_url.get_backend_name() == "sqlite" and sync_url.database:
        Path(sync_url.database).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(url), "head")


async def upgrade(url: str) -> None:
    """Bring the schema to the newest revision (idempotent; runs at every start)."""
    await asyncio.to_thread(upgrade_sync, url)
