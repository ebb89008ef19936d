"""The PostgreSQL feed: one NOTIFY per committed batch, and a LISTEN connection per process.

The payload carries ids only: ``<origin>;<operation id>,<first seq>,<last seq>,<status>;...``,
split into several notifications when a batch changed more operations than 8,000 bytes can name.
A process skips its own notifications (``origin``).

The NOTIFY is sent right *after* the batch commits, in a transaction of its own that is not flushed
to disk (``synchronous_commit = off``: a notification is no data). PostgreSQL serialises every
notifying transaction of the whole server on one lock held until its commit has been flushed; a
NOTIFY inside the data transaction would hold that lock through every batch's fsync and cap the
commits of all processes together at one disk flush each. Notifications therefore follow their
commits, and each process's arrive in its commit order; two processes' notifications about one
operation may cross, which readers tolerate: the relay reads the named events from the table
(committed before they were named), and a subscriber that sees a ``seq`` gap re-reads the log. A
process that dies between a commit and its notification leaves the others to their safety nets
(dispatchers poll, workers check cancels at each heartbeat; for streams, every heartbeat the
listener compares the operations followed in its process with their logs, see ``find_lost``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable

import psycopg
from sqlalchemy import Connection
from sqlalchemy.engine import make_url

from underway.operations.models import OperationEvent
from underway.operations.status import OperationStatus
from underway.store.writer.transaction import Change, Tx

log = logging.getLogger(__name__)

CHANNEL = "underway_changes"
_MAX_PAYLOAD = 7900  # PostgreSQL's limit is 8,000 bytes
_RETRY_S = (0.1, 0.5, 1.0, 2.0, 5.0)


def _encode(origin: str, changes: list[Change]) -> list[str]:
    payloads: list[str] = []
    current = origin
    for c in changes:
        entry = f";{c.operation_id},{c.first_seq},{c.last_seq},{c.status.value}"
        if len(current) + len(entry) > _MAX_PAYLOAD:
            payloads.append(current)
            current = origin
        current += entry
    payloads.append(current)
    return payloads


def decode(payload: str) -> tuple[str, list[Change]]:
    origin, *entries = payload.split(";")
    changes = []
    for entry in entries:
        op_id, first, last, status = entry.split(",")
        changes.append(Change(op_id, int(first), int(last), OperationStatus(status)))
    return origin, changes


class PostgresFeed:
    """The writer's side: NOTIFY inside each batch's transaction."""

    def __init__(self, origin: str | None = None) -> None:
        self.origin = origin or uuid.uuid4().hex

    def before_commit(self, tx: Tx) -> None:
        pass

    def after_commit(self, tx: Tx) -> None:
        if not tx.changes:
            return
        payloads = _encode(self.origin, list(tx.changes.values()))
        # One statement, one round trip, committed on its own (the driver in autocommit for it).
        notify = ", ".join(
            ["set_config('synchronous_commit', 'off', true)"] + ["pg_notify(%s, %s)"] * len(payloads)
        )
        params = [value for payload in payloads for value in (CHANNEL, payload)]
        dbapi = tx.conn.connection.dbapi_connection
        assert isinstance(dbapi, psycopg.Connection)
        try:
            dbapi.autocommit = True
            try:
                dbapi.execute(f"SELECT {notify}", params)
            finally:
                dbapi.autocommit = False
        except Exception:
            # Committed all the same; the others' safety nets cover one lost notification.
            log.warning("could not notify other processes of a commit", exc_info=True)

    def poll(self, conn: Connection) -> list[OperationEvent]:
        return []  # notifications arrive on the listener's connection instead


class PostgresListener:
    """Every other process's changes, as they commit; reconnects by itself.

    ``on_changes`` is awaited for each notification in turn (so events are relayed in order);
    ``on_reconnect`` runs after a reconnection, when notifications may have been missed;
    ``find_lost`` every ``check_every_s``, for a notification that never came (its process died
    between its commit and its notification)."""

    def __init__(
        self,
        database_url: str,
        origin: str,
        on_changes: Callable[[list[Change]], Awaitable[None]],
        on_reconnect: Callable[[], Awaitable[None]],
        find_lost: Callable[[], Awaitable[None]],
        check_every_s: float,
    ) -> None:
        self._conninfo = (
            make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
        )
        self._origin = origin
        self._on_changes = on_changes
        self._on_reconnect = on_reconnect
        self._find_lost = find_lost
        self._check_every_s = check_every_s
        self._task: asyncio.Task[None] | None = None
        self._checker: asyncio.Task[None] | None = None
        self._listening = asyncio.Event()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="underway-feed-listener")
        self._checker = asyncio.create_task(self._check(), name="underway-feed-lost-finder")
        # Streams opened right after start must not miss what commits next.
        waiter = asyncio.create_task(self._listening.wait())
        await asyncio.wait({waiter, self._task}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        waiter.cancel()

    async def stop(self) -> None:
        for task in (self._task, self._checker):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._task = self._checker = None

    async def _check(self) -> None:
        while True:
            await asyncio.sleep(self._check_every_s)
            try:
                await self._find_lost()
            except Exception:  # the database away for a moment: look again next time
                log.warning("could not compare followed operations with their logs", exc_info=True)

    async def _relay(self, changes: list[Change]) -> None:
        try:
            await self._on_changes(changes)
        except Exception:  # a failed read must not drop the connection (and later notifications)
            log.exception("could not relay %d changes from other processes", len(changes))

    async def _run(self) -> None:
        attempt = 0
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True) as conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    if attempt:
                        await self._on_reconnect()
                    attempt = 0
                    self._listening.set()
                    async for notify in conn.notifies():
                        origin, changes = decode(notify.payload)
                        if origin != self._origin and changes:
                            await self._relay(changes)
            except asyncio.CancelledError:
                raise
            except Exception:
                delay = _RETRY_S[min(attempt, len(_RETRY_S) - 1)]
                attempt += 1
                log.warning("change feed connection lost; reconnecting in %.1f s", delay, exc_info=True)
                await asyncio.sleep(delay)
