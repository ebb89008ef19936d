"""The store writer: one thread that owns the process's write connection and group-commits.

Every write of the hot path (submissions, claims, events, transitions, settlements) is a command put
on one queue. The thread takes whatever has accumulated, applies it in one transaction (see
:mod:`.transaction`), commits, and hands the outcome back to the event loop in one hop, where the
committed events are published and the callers' futures resolved. Nothing waits for a batch to
fill: under light load a batch is one command and latency is one commit; under load the commands
that arrived during a commit share the next one, so throughput grows with concurrency.

One queue gives the ordering guarantees the core relies on: an operation's events are numbered in
the order they were emitted, nothing lands after its terminal event, and events are published only
after they are committed (which is what makes "read the log, then follow live" gap-free).

A batch that fails (a lost race on a unique key, a deadlock, the database going away) is rolled
back and its commands retried one per transaction, so one bad command fails only itself.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from sqlalchemy import Connection, Engine

from underway.operations.models import OperationEvent
from underway.store.writer.commands import Command, Refused
from underway.store.writer.transaction import Change, Later, TransitionHook, Tx

log = logging.getLogger(__name__)

T = TypeVar("T")
_MAX_BATCH = 1000


class WriterFeed(Protocol):
    """How this process's commits reach other processes (store/feed/)."""

    def before_commit(self, tx: Tx) -> None:
        """Inside the transaction, after its last write (PostgreSQL: NOTIFY)."""

    def after_commit(self, tx: Tx) -> None:
        """After a successful commit, in the writer thread."""

    def poll(self, conn: Connection) -> list[OperationEvent]:
        """Other processes' events committed since the last poll (SQLite); called when idle."""


@dataclass(slots=True)
class _Job:
    command: Command[Any]
    future: asyncio.Future[Any] | None  # None: fire and forget (progress events)


@dataclass
class Committed:
    """What one pass of the writer thread hands back to the event loop."""

    events: list[OperationEvent] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    remote_events: list[OperationEvent] = field(default_factory=list)
    callbacks: list[Callable[[], None]] = field(default_factory=list)
    outcomes: list[tuple[asyncio.Future[Any], Any]] = field(default_factory=list)


class WriterStopped(RuntimeError):
    pass


_STOP = object()


class StoreWriter:
    def __init__(
        self,
        engine: Engine,
        feed: WriterFeed | None = None,
        *,
        hooks: Sequence[TransitionHook] = (),
        idle_poll_s: float = 0.02,
    ) -> None:
        self._engine = engine
        self._hooks = tuple(hooks)
        self._is_postgres = engine.dialect.name == "postgresql"
        self._feed = feed
        self._idle_poll_s = idle_poll_s
        self._queue: queue.SimpleQueue[_Job | object] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._on_commit: Callable[[Committed], None] = lambda _c: None
        self._stopped = False
        self._conn: Connection | None = None
        self._slot_owners: set[str] = set()  # see Tx.slot_owners

    def start(self, on_commit: Callable[[Committed], None]) -> None:
        self._loop = asyncio.get_running_loop()
        self._on_commit = on_commit
        self._thread = threading.Thread(target=self._run, name="underway-store-writer", daemon=True)
        self._thread.start()

    async def stop(self) -> None:
        """Write everything queued so far, then stop the thread."""
        if self._thread is None or self._stopped:
            return
        self._stopped = True
        self._queue.put(_STOP)
        await asyncio.to_thread(self._thread.join)
        self._engine.dispose()

    async def execute(self, command: Command[T]) -> T:
        """Apply ``command`` in the next batch and return its outcome (a refusal is raised)."""
        if self._stopped or self._loop is None:
            raise WriterStopped("the store writer is not running")
        future: asyncio.Future[T] = self._loop.create_future()
        self._queue.put(_Job(command, future))
        return await future

    def post(self, command: Command[Any]) -> None:
        """Apply ``command`` in the next batch without waiting (failures are logged)."""
        if not self._stopped:
            self._queue.put(_Job(command, None))

    # -- the thread ----------------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            try:
                first = self._queue.get(timeout=self._idle_poll_s)
            except queue.Empty:
                self._hand_over(Committed(remote_events=self._poll()))
                continue
            jobs: list[_Job] = []
            stop = first is _STOP
            if not stop:
                assert isinstance(first, _Job)
                jobs.append(first)
            while not stop and len(jobs) < _MAX_BATCH:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is _STOP:
                    stop = True
                else:
                    assert isinstance(item, _Job)
                    jobs.append(item)
            committed = Committed()
            self._execute(jobs, committed)
            committed.remote_events = self._poll()
            self._hand_over(committed)
            if stop:
                if self._conn is not None:
                    self._conn.close()
                return

    def _poll(self) -> list[OperationEvent]:
        if self._feed is None:
            return []
        try:
            return self._feed.poll(self._connection())
        except Exception:
            self._drop_broken_connection()
            log.exception("could not read other processes' events; retrying")
            return []

    def _hand_over(self, committed: Committed) -> None:
        if not (committed.events or committed.outcomes or committed.remote_events or committed.callbacks):
            return
        assert self._loop is not None
        try:
            self._loop.call_soon_threadsafe(self._deliver, committed)
        except RuntimeError:  # the loop is closed: nobody is waiting any more
            log.warning("event loop closed; %d outcomes dropped", len(committed.outcomes))

    def _deliver(self, committed: Committed) -> None:
        """On the event loop: publish, then resolve the callers (who may read what was published)."""
        try:
            self._on_commit(committed)
        except Exception:
            log.exception("publishing committed events failed")
        for callback in committed.callbacks:
            try:
                callback()
            except Exception:
                log.exception("an after-commit callback failed")
        for future, outcome in committed.outcomes:
            if future.done():  # the caller gave up (cancelled); the write stands
                continue
            if isinstance(outcome, Refused):
                future.set_exception(outcome.error)
            elif isinstance(outcome, BaseException):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)

    def _execute(self, jobs: list[_Job], committed: Committed) -> None:
        batch: list[_Job] = []
        for job in jobs:
            if job.command.solo and self._is_postgres:
                self._transact(batch, committed)
                self._transact([job], committed)
                batch = []
            else:
                batch.append(job)
        self._transact(batch, committed)

    def _transact(self, jobs: list[_Job], committed: Committed) -> None:
        if not jobs:
            return
        try:
            conn = self._connection()
            with conn.begin():
                tx = Tx(conn, self._is_postgres, self._hooks, slot_owners=self._slot_owners)
                outcomes = []
                for job in jobs:
                    if not job.command.buffered:
                        tx.flush()  # what it reads or updates must see the buffered writes
                    outcomes.append(job.command.apply(tx))
                tx.finish()
                outcomes = [o.value if isinstance(o, Later) else o for o in outcomes]
                if self._feed is not None:
                    self._feed.before_commit(tx)
        except Exception as exc:
            self._drop_broken_connection()
            if len(jobs) > 1:
                # One command spoilt the batch: give each its own transaction to find which.
                for job in jobs:
                    self._transact([job], committed)
                return
            self._failed(jobs[0], exc, committed)
            return
        if self._feed is not None:
            self._feed.after_commit(tx)
        self._slot_owners |= tx.new_owners
        committed.events.extend(tx.events)
        committed.changes.extend(tx.changes.values())
        committed.callbacks.extend(tx.after_commit)
        for job, outcome in zip(jobs, outcomes, strict=True):
            if job.future is not None:
                committed.outcomes.append((job.future, outcome))

    def _connection(self) -> Connection:
        # Held for the thread's life (a pool checkout per batch costs more than a small batch).
        if self._conn is None or self._conn.closed or self._conn.invalidated:
            self._conn = self._engine.connect()
        return self._conn

    def _drop_broken_connection(self) -> None:
        if self._conn is not None and self._conn.invalidated:
            self._conn.close()
            self._conn = None

    def _failed(self, job: _Job, exc: Exception, committed: Committed) -> None:
        if job.future is not None:
            committed.outcomes.append((job.future, exc))
        else:
            log.error("a write could not be committed: %s", exc, exc_info=exc)
