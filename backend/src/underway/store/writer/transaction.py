"""One transaction of the store writer, shared by the commands of a batch.

Commands do their compare-and-set updates at once (they need the returned rows), and leave to the
transaction what can be done for the whole batch in a few statements at commit time:

* new operations and every event row are inserted with one ``executemany`` each;
* per-user slot counts (``user_slots``) are moved by the net change per owner, in owner order. Every
  transaction takes slot row locks last and in that order, which is what keeps concurrent claims and
  settlements on PostgreSQL free of deadlocks (claims lock op rows with SKIP LOCKED, never waiting);
* the changes (operation, last ``seq``, status) are handed to the feed, which tells other processes.

Admission reads (queued counts) are cached for the transaction and kept current as its commands
queue or dequeue operations, so a batch of 500 submissions costs a handful of reads, not 1,000.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

import psycopg
from sqlalchemy import Connection, Table, bindparam, func, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from underway.operations.models import OperationEvent
from underway.operations.status import OperationStatus
from underway.progress.events import EventDraft, utcnow
from underway.store.mapping import event_values
from underway.store.records import OperationRecord
from underway.store.tables import EventRow, OperationRow, UserSlotRow
from underway.store.writer.bulk_insert import BulkInsert
from underway.store.writer.numbering import Run, number_runs

OPERATIONS: Table = OperationRow.__table__  # type: ignore[attr-defined]
EVENTS: Table = EventRow.__table__  # type: ignore[attr-defined]
SLOTS: Table = UserSlotRow.__table__  # type: ignore[attr-defined]

_EVENT_INSERT = BulkInsert(EVENTS)
_OPERATION_INSERT = BulkInsert(OPERATIONS)
_QUEUED = OperationStatus.QUEUED.value
# Admission across processes: one PostgreSQL transaction at a time counts and inserts.
_ADMISSION_LOCK_SQL = "SELECT pg_advisory_xact_lock(7305)"
_ADMISSION_LOCK = text(_ADMISSION_LOCK_SQL)
# Both admission counts (the whole queue by priority, and each owner's) in one round trip.
_QUEUED_BY_RANK_AND_OWNER = (
    select(OPERATIONS.c.priority_rank, OPERATIONS.c.owner, func.count())
    .where(OPERATIONS.c.status == _QUEUED)
    .group_by(OPERATIONS.c.priority_rank, OPERATIONS.c.owner)
)
_SLOT_DELTA = (
    update(SLOTS)
    .where(SLOTS.c.owner == bindparam("b_owner"))
    .values(running=SLOTS.c.running + bindparam("b_delta"))
)
_QUEUED_COUNTS_SQL = (
    f"SELECT priority_rank, owner, count(*) FROM operations WHERE status = '{_QUEUED}' "  # noqa: S608
    "GROUP BY priority_rank, owner"
)


T = TypeVar("T")
_UNSET: Any = object()


# Writes ``items`` (commands of one kind, each of another operation) and returns their outcomes.
BatchWrite = Callable[["Tx", list[Any]], list[Any]]


class Later(Generic[T]):
    """The outcome of a write the transaction makes at its next flush (see Tx.add_transition)."""

    __slots__ = ("_value", "item", "write")

    def __init__(self, write: BatchWrite, item: object) -> None:
        self.write = write
        self.item = item
        self._value: T = _UNSET

    def set(self, value: T) -> None:
        self._value = value

    @property
    def value(self) -> T:
        if self._value is _UNSET:
            raise RuntimeError("read before the transaction wrote it")
        return self._value


@dataclass(frozen=True, slots=True)
class Change:
    """What the feed tells other processes: an operation's newest ``seq`` and status after a commit."""

    operation_id: str
    first_seq: int
    last_seq: int
    status: OperationStatus


class TransitionHook(Protocol):
    """Told of every status transition inside its transaction (the webhooks' outbox, for one)."""

    def on_transition(self, conn: Connection, row: OperationRecord, event: OperationEvent) -> None:
        """After the row update, before commit: statements on ``conn`` only (no I/O, no waiting).
        ``row`` is the operation as updated (``operation_of(row)`` for its public view)."""


@dataclass
class Tx:
    conn: Connection
    is_postgres: bool
    hooks: Sequence[TransitionHook] = ()
    # Owners known to have a ``user_slots`` row (rows are never deleted): the writer's, across
    # transactions, added to only after a commit.
    slot_owners: set[str] = field(default_factory=set)
    events: list[OperationEvent] = field(default_factory=list)
    changes: dict[str, Change] = field(default_factory=dict)
    slot_deltas: Counter[str] = field(default_factory=Counter)
    new_owners: set[str] = field(default_factory=set)
    after_commit: list[Callable[[], None]] = field(default_factory=list)
    # Per operation, in emission order: event drafts and status transitions not yet written.
    _pending: dict[str, list[EventDraft | Later[Any]]] = field(default_factory=dict)
    _new_operations: list[dict[str, Any]] = field(default_factory=list)
    _pending_keys: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    last_event_rowid: int | None = None  # SQLite: rowid of the batch's last event row (the feed's)
    _admission_locked: bool = False
    _queued_by_rank: Counter[int] | None = None
    _queued_of_owner: dict[str, int] = field(default_factory=dict)

    # -- events and changes --------------------------------------------------------------------

    def record(self, event: OperationEvent) -> None:
        """An event written in this transaction: inserted at commit, published after it."""
        self.events.append(event)
        seen = self.changes.get(event.operation_id)
        first = event.seq if seen is None else seen.first_seq
        self.changes[event.operation_id] = Change(event.operation_id, first, event.seq, event.status)

    def add_draft(self, draft: EventDraft) -> None:
        """A running operation's event, numbered at the next flush with the others of its run."""
        self._pending.setdefault(draft.operation_id, []).append(draft)

    def add_transition(self, operation_id: str, write: BatchWrite, item: object) -> Later[Any]:
        """A write of one operation that must follow its earlier events and precede its later ones.
        At the flush, the pending writes of many operations that share ``write`` go in one call."""
        later: Later[Any] = Later(write, item)
        self._pending.setdefault(operation_id, []).append(later)
        return later

    def _write_pending(self) -> None:
        """Everything pending, in waves: each operation's leading events are numbered in one
        statement for all operations, then each operation's next transition is applied, and so on.
        Order within an operation is kept; across operations it does not matter."""
        pending, self._pending = self._pending, {}
        while pending:
            runs: dict[str, list[EventDraft]] = {}
            for operation_id, items in pending.items():
                n = 0
                while n < len(items) and isinstance(items[n], EventDraft):
                    n += 1
                if n:
                    runs[operation_id] = items[:n]  # type: ignore[assignment]
                    del items[:n]
            if runs:
                self._number(runs)
            by_writer: dict[BatchWrite, list[Later[Any]]] = {}
            for items in pending.values():
                if items:
                    head = items.pop(0)
                    assert isinstance(head, Later)
                    by_writer.setdefault(head.write, []).append(head)
            for write, heads in by_writer.items():
                for head, outcome in zip(heads, write(self, [h.item for h in heads]), strict=True):
                    head.set(outcome)
            pending = {op: items for op, items in pending.items() if items}

    def _number(self, drafts: dict[str, list[EventDraft]]) -> None:
        runs = []
        for operation_id, items in drafts.items():
            p = items[-1].progress
            runs.append(
                Run(
                    operation_id,
                    len(items),
                    p.percent,
                    p.stage,
                    p.stage_index,
                    p.total_stages,
                    p.message,
                    p.eta_s,
                )
            )
        numbered = number_runs(self.conn, runs, postgres=self.is_postgres)
        # Stamped now, under the rows' locks: after ``cancelling`` an event says so, and ts follows
        # seq (a transition is stamped the same way).
        now = utcnow()
        for operation_id, items in drafts.items():
            if operation_id not in numbered:  # it has finished: nothing may follow its terminal event
                continue
            last, status = numbered[operation_id]
            first = last - len(items) + 1
            for i, draft in enumerate(items):
                self.record(draft.with_seq(first + i, status=status, ts=now))

    def transitioned(self, row: OperationRecord, event: OperationEvent) -> None:
        """A status transition's event (recorded) and the hooks that must see it in this transaction."""
        self.record(event)
        for hook in self.hooks:
            hook.on_transition(self.conn, row, event)

    # -- admission -------------------------------------------------------------------------------

    def lock_admission(self) -> None:
        if self.is_postgres and not self._admission_locked:
            self.conn.execute(_ADMISSION_LOCK)
        self._admission_locked = True

    def queued_by_rank(self) -> Counter[int]:
        if self._queued_by_rank is None:
            self._count_queued()
            assert self._queued_by_rank is not None
        return self._queued_by_rank

    def queued_of(self, owner: str) -> int:
        if self._queued_by_rank is None:
            self._count_queued()
        return self._queued_of_owner.get(owner, 0)

    def _count_queued(self) -> None:
        by_rank: Counter[int] = Counter()
        by_owner: Counter[str] = Counter()
        for rank, owner, n in self._locked_counts():
            by_rank[rank] += n
            by_owner[owner] += n
        self._queued_by_rank, self._queued_of_owner = by_rank, dict(by_owner)

    def _locked_counts(self) -> Sequence[tuple[int, str, int]]:
        """The queued counts, read under the admission lock."""
        if not self.is_postgres or self._admission_locked:
            self.lock_admission()
            return [tuple(row) for row in self.conn.execute(_QUEUED_BY_RANK_AND_OWNER)]
        # Lock and count in one round trip: pipelined, the server still runs them one after the
        # other, and the count's snapshot is taken once the lock is held.
        self._admission_locked = True
        dbapi = self.conn.connection.dbapi_connection
        assert isinstance(dbapi, psycopg.Connection)
        with dbapi.pipeline():
            dbapi.execute(_ADMISSION_LOCK_SQL)
            counted = dbapi.execute(_QUEUED_COUNTS_SQL)
        return counted.fetchall()

    def queue_changed(self) -> None:
        """An operation left or re-entered the queue outside admission: read the counts again."""
        self._queued_by_rank = None
        self._queued_of_owner = {}

    def pending_with_key(self, owner: str, key: str) -> dict[str, Any] | None:
        return self._pending_keys.get((owner, key))

    def add_operation(self, values: dict[str, Any]) -> None:
        """Queue a new operation row (inserted at commit); admission counts follow at once."""
        self._new_operations.append(values)
        owner, rank = values["owner"], values["priority_rank"]
        if values["idempotency_key"] is not None:
            self._pending_keys[(owner, values["idempotency_key"])] = values
        self.queued_by_rank()[rank] += 1
        self._queued_of_owner[owner] = self.queued_of(owner) + 1
        self.new_owners.add(owner)

    def flush(self) -> None:
        """Write what is buffered now, before a statement that reads or updates operations."""
        if self._pending:
            self._write_pending()
        if self._new_operations:
            _OPERATION_INSERT.execute(self.conn, self._new_operations)
            self._new_operations = []

    # -- commit ----------------------------------------------------------------------------------

    def finish(self) -> None:
        """The batch's deferred writes, in lock order: new rows, events, then slot counts. On
        PostgreSQL they go in one round trip (pipelined: sent together, run in order)."""
        if self._pending:
            self._write_pending()  # numbering reads what it updates: not pipelined
        missing = sorted(self.new_owners - self.slot_owners)
        new_slots = self._missing_slots(missing) if missing else []
        deltas = [{"b_owner": o, "b_delta": d} for o, d in sorted(self.slot_deltas.items()) if d]
        with self._pipelined():
            if self._new_operations:
                _OPERATION_INSERT.execute(self.conn, self._new_operations)
                self._new_operations = []
            if self.events:
                _EVENT_INSERT.execute(self.conn, [event_values(e) for e in self.events])
                if not self.is_postgres:
                    # One writer holds the database, so the batch's event rows have consecutive
                    # rowids ending here (read before any other insert): the feed skips them when
                    # it reads other processes' rows.
                    rowid = self.conn.exec_driver_sql("SELECT last_insert_rowid()").scalar_one()
                    self.last_event_rowid = rowid
            if new_slots:
                self._create_slots(new_slots)
            if deltas:
                self.conn.execute(_SLOT_DELTA, deltas)

    def _pipelined(self) -> AbstractContextManager[object]:
        if not self.is_postgres:
            return nullcontext()
        dbapi = self.conn.connection.dbapi_connection
        assert isinstance(dbapi, psycopg.Connection)
        return dbapi.pipeline()

    def _missing_slots(self, owners: list[str]) -> list[str]:
        # Every owner with queued work has a slot row, so a claim can lock it (a missing row could
        # not be locked, and two claimers would both count zero). Rows that exist are only read:
        # an INSERT ... ON CONFLICT on a row that a claim or settlement of another process is
        # updating waits for that transaction, which would chain submissions behind the workers.
        existing = set(self.conn.execute(select(SLOTS.c.owner).where(SLOTS.c.owner.in_(owners))).scalars())
        return [o for o in owners if o not in existing]

    def _create_slots(self, owners: list[str]) -> None:
        rows = [{"owner": o, "running": 0} for o in owners]
        if self.is_postgres:
            self.conn.execute(pg_insert(SLOTS).on_conflict_do_nothing(index_elements=["owner"]), rows)
        else:
            self.conn.execute(sqlite_insert(SLOTS).on_conflict_do_nothing(index_elements=["owner"]), rows)
