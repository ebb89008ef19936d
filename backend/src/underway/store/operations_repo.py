"""Reads and writes of operations and their event logs.

All status changes are compare-and-set updates (``WHERE status IN (legal sources)``) written in the
same transaction as their event, so racing writers (cancel vs finish, cancel vs start) cannot both win.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from underway.operations.errors import IdempotencyConflict
from underway.operations.models import EventType, OperationEvent, OperationFilter, Priority
from underway.operations.status import (
    ACTIVE_STATUSES,
    RUNNING_LIKE,
    OperationStatus,
    releases_slot,
    sources_of,
)
from underway.progress.events import EventDraft
from underway.store.mapping import event_of
from underway.store.records import OperationRecord
from underway.store.tables import EventRow, OperationRow, WorkerRow
from underway.store.timeutil import as_utc
from underway.store.writer.artifacts import AddArtifact
from underway.store.writer.claim import Claim
from underway.store.writer.commands import Run
from underway.store.writer.progress import AppendEvent
from underway.store.writer.settle import Settle
from underway.store.writer.submit import Admission, Submit, Submitted
from underway.store.writer.thread import StoreWriter
from underway.store.writer.transaction import OPERATIONS, Change
from underway.store.writer.transition import HeldBy, Transition

__all__ = ["Admission", "HeldBy", "InvalidCursor", "OperationRepository", "Submitted"]

_QUEUED = OperationStatus.QUEUED.value
_RUNNING_LIKE = tuple(s.value for s in RUNNING_LIKE)
_ACTIVE = tuple(s.value for s in ACTIVE_STATUSES)
_T = OperationRow


def _col(attr: Any) -> ColumnElement[Any]:
    """SQLModel attributes typed as plain values; this hands mypy the column they really are."""
    return attr  # type: ignore[no-any-return]


def _worker_gone(lapsed_workers: Sequence[str]) -> ColumnElement[bool]:
    # "Not registered" is read in the same statement as the operations: a worker registers before it
    # claims anything, so an operation claimed by a worker that has just started is never mistaken
    # for an abandoned one.
    registered = select(_col(WorkerRow.id))
    return or_(_col(_T.worker_id).in_(list(lapsed_workers)), _col(_T.worker_id).not_in(registered))


class InvalidCursor(ValueError):
    pass


def encode_cursor(row: OperationRecord) -> str:
    raw = json.dumps([as_utc(row.created_at).isoformat(), row.id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        created, op_id = json.loads(raw)
        # Only ids we hand out: a crafted id (a NUL byte, say) must not reach the database.
        return as_utc(datetime.fromisoformat(created)), str(uuid.UUID(op_id))
    except (ValueError, TypeError, AttributeError) as exc:
        raise InvalidCursor("invalid cursor") from exc


class OperationRepository:
    """Operations and their event logs: reads on the async engine, writes through the store writer
    (store/writer/), which group-commits them in its own thread."""

    def __init__(self, engine: AsyncEngine, writer: StoreWriter) -> None:
        self._engine = engine
        self._writer = writer
        self._session = async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)
        self._is_postgres = engine.dialect.name == "postgresql"

    # -- writes ----------------------------------------------------------------------------------

    async def create(
        self, values: dict[str, Any], first_event: EventDraft, admission: Admission
    ) -> Submitted:
        """Insert a queued operation with its first event, unless limits or an idempotency key say no
        (QueueFull, UserQuotaExceeded, IdempotencyConflict)."""
        try:
            return await self._writer.execute(Submit(values, first_event, admission))
        except IntegrityError:
            # Another process inserted the same idempotency key between our check and insert.
            key = values["idempotency_key"]
            if key is None:
                raise
            existing = await self.find_by_idempotency_key(values["owner"], key)
            if existing is None or existing.request_hash != values["request_hash"]:
                raise IdempotencyConflict(key, existing.id if existing else "") from None
            return Submitted(existing.values(), created=False, queue_position=None)

    async def claim(
        self,
        *,
        worker_id: str,
        limit: int,
        workflows: Sequence[str],
        max_running_per_user: int,
        reserved_only: bool = False,
    ) -> list[OperationRecord]:
        """Move up to ``limit`` queued operations to running for ``worker_id`` (see writer/claim.py)."""
        return await self._writer.execute(
            Claim(worker_id, limit, workflows, max_running_per_user, reserved_only=reserved_only)
        )

    async def transition(
        self,
        operation_id: str,
        target: OperationStatus,
        *,
        event_type: EventType = EventType.STATUS,
        message: str | None = None,
        percent: float | None = None,
        fields: dict[str, Any] | None = None,
        only_from: Sequence[OperationStatus] | None = None,
        held_by: HeldBy | None = None,
    ) -> OperationRecord | None:
        """Move an operation to ``target`` if that is legal from its current status, with its event.

        ``only_from`` narrows the legal sources; ``held_by`` also requires the operation to still be
        held by that worker (recovery acts on what it read, and must not touch a row claimed since).
        Returns None when the operation is not in a legal source status (somebody else won the race)."""
        legal = sources_of(target)
        if only_from is not None and not set(only_from) <= legal:
            # A programming error, not a race: the legality table in operations/status.py is the law.
            illegal = sorted(s.value for s in set(only_from) - legal)
            raise ValueError(f"illegal transition to {target.value} from {', '.join(illegal)}")
        sources = frozenset(only_from) if only_from is not None else legal
        releases_slot(sources, target)  # refuses an ambiguous source set before anything is written
        return await self._writer.execute(
            Transition(
                operation_id,
                target,
                sources,
                event_type=event_type,
                message=message,
                percent=percent,
                fields=fields or {},
                held_by=held_by,
            )
        )

    async def settle(self, settle: Settle) -> OperationRecord | None:
        """A run's outcome (one statement for every settlement of the batch)."""
        return await self._writer.execute(settle)

    def append(self, draft: EventDraft) -> None:
        """A running operation's progress, stage or log event (numbered and written in the next batch)."""
        self._writer.post(AppendEvent(draft))

    emit = append  # the EventSink protocol of progress/emitter.py

    async def add_artifact(self, operation_id: str, artifact: dict[str, Any]) -> None:
        await self._writer.execute(AddArtifact(operation_id, artifact))

    async def release_reservations(self, lapsed_workers: Sequence[str]) -> None:
        """Open queued operations reserved for a worker that is gone to every worker."""
        stmt = (
            update(_T)
            .where(_col(_T.status) == _QUEUED, _col(_T.worker_id).is_not(None), _worker_gone(lapsed_workers))
            .values(worker_id=None)
        )
        await self._writer.execute(Run(lambda tx: tx.conn.execute(stmt)))

    async def find_by_idempotency_key(self, owner: str, key: str) -> OperationRecord | None:
        rows = await self._records(
            select(OPERATIONS).where(_col(_T.owner) == owner, _col(_T.idempotency_key) == key)
        )
        return rows[0] if rows else None

    async def _records(self, stmt: Select[Any]) -> list[OperationRecord]:
        async with self._engine.connect() as conn:
            return [OperationRecord.of(m) for m in (await conn.execute(stmt)).mappings()]

    # -- events ----------------------------------------------------------------------------------

    async def events_in(self, changes: Sequence[Change]) -> list[OperationEvent]:
        """The events other processes reported committed (by ``seq`` range), in feed order."""
        if not changes:
            return []
        wanted = or_(
            *(
                and_(
                    _col(EventRow.operation_id) == c.operation_id,
                    _col(EventRow.seq).between(c.first_seq, c.last_seq),
                )
                for c in changes
            )
        )
        async with self._session() as s:
            rows = (await s.execute(select(EventRow).where(wanted))).scalars().all()
        order = {c.operation_id: i for i, c in enumerate(changes)}
        return sorted((event_of(r) for r in rows), key=lambda e: (order[e.operation_id], e.seq))

    async def newest_seqs(self, operation_ids: Sequence[str]) -> dict[str, int]:
        """Each operation's newest event ``seq`` (``last_seq``), for those that exist."""
        async with self._engine.connect() as conn:
            rows = await conn.execute(
                select(_col(_T.id), _col(_T.last_seq)).where(_col(_T.id).in_(list(operation_ids)))
            )
            return {op_id: int(seq) for op_id, seq in rows}

    async def events(self, operation_id: str, after_seq: int = 0, limit: int = 1000) -> list[OperationEvent]:
        async with self._session() as s:
            result = await s.execute(
                select(EventRow)
                .where(_col(EventRow.operation_id) == operation_id, _col(EventRow.seq) > after_seq)
                .order_by(_col(EventRow.seq))
                .limit(limit)
            )
            return [event_of(r) for r in result.scalars()]

    # -- reads -------------------------------------------------------------------------------------

    async def get(self, operation_id: str) -> OperationRecord | None:
        rows = await self._records(select(OPERATIONS).where(_col(_T.id) == operation_id))
        return rows[0] if rows else None

    async def page(
        self, flt: OperationFilter, cursor: str | None, limit: int
    ) -> tuple[list[OperationRecord], str | None]:
        conditions: list[ColumnElement[bool]] = []
        if flt.owner is not None:
            conditions.append(_col(_T.owner) == flt.owner)
        if flt.status:
            conditions.append(_col(_T.status).in_([s.value for s in flt.status]))
        if flt.workflow is not None:
            conditions.append(_col(_T.workflow) == flt.workflow)
        if flt.created_after is not None:
            conditions.append(_col(_T.created_at) >= as_utc(flt.created_after))
        if flt.created_before is not None:
            conditions.append(_col(_T.created_at) < as_utc(flt.created_before))
        if cursor is not None:
            created, op_id = decode_cursor(cursor)
            conditions.append(
                or_(
                    _col(_T.created_at) < created,
                    and_(_col(_T.created_at) == created, _col(_T.id) < op_id),
                )
            )
        rows = await self._records(
            select(OPERATIONS)
            .where(*conditions)
            .order_by(_col(_T.created_at).desc(), _col(_T.id).desc())
            .limit(limit + 1)
        )
        more = len(rows) > limit
        rows = rows[:limit]
        return rows, encode_cursor(rows[-1]) if more and rows else None

    async def queue_positions(self, ids: Sequence[str]) -> dict[str, int]:
        """1-based queue positions of the given queued operations (higher priority first, then FIFO)."""
        if not ids:
            return {}
        ranked = (
            select(
                _col(_T.id).label("id"),
                func.row_number()
                .over(order_by=(_col(_T.priority_rank), _col(_T.enqueued_at), _col(_T.id)))
                .label("pos"),
            )
            .where(_col(_T.status) == _QUEUED)
            .subquery()
        )
        async with self._session() as s:
            result = await s.execute(select(ranked.c.id, ranked.c.pos).where(ranked.c.id.in_(list(ids))))
            return {op_id: int(pos) for op_id, pos in result.all()}

    async def queue_position(self, row: OperationRecord) -> int:
        """1-based position of one queued operation: an index range count, not a ranking of the queue."""
        ahead = or_(
            _col(_T.priority_rank) < row.priority_rank,
            and_(
                _col(_T.priority_rank) == row.priority_rank,
                or_(
                    _col(_T.enqueued_at) < row.enqueued_at,
                    and_(_col(_T.enqueued_at) == row.enqueued_at, _col(_T.id) < row.id),
                ),
            ),
        )
        async with self._session() as s:
            result = await s.execute(select(func.count()).where(_col(_T.status) == _QUEUED, ahead))
            return int(result.scalar_one()) + 1

    async def in_flight(self, *, held_by: str) -> list[OperationRecord]:
        """Running and cancelling operations held by one worker."""
        return await self._in_flight(_col(_T.worker_id) == held_by)

    async def in_flight_after_claims(self, *, held_by: str) -> list[OperationRecord]:
        """Like :meth:`in_flight`, read through the store writer: every claim committed before this
        read has been handed to its caller (resumed, in order) before this read returns. A worker
        comparing the result with the operations it runs therefore never mistakes one it has just
        claimed, whose task is not created yet, for one it lost."""
        stmt = select(OPERATIONS).where(_col(_T.status).in_(_RUNNING_LIKE), _col(_T.worker_id) == held_by)
        return await self._writer.execute(
            Run(lambda tx: [OperationRecord.of(m) for m in tx.conn.execute(stmt).mappings()])
        )

    async def in_flight_abandoned(self, lapsed_workers: Sequence[str]) -> list[OperationRecord]:
        """Running and cancelling operations whose worker is gone: lapsed, unregistered, or none at
        all (claimed before leases existed)."""
        return await self._in_flight(or_(_col(_T.worker_id).is_(None), _worker_gone(lapsed_workers)))

    async def _in_flight(self, held: ColumnElement[bool]) -> list[OperationRecord]:
        return await self._records(select(OPERATIONS).where(_col(_T.status).in_(_RUNNING_LIKE), held))

    async def stage_history(self, workflow: str, runs: int = 20) -> dict[str, float]:
        """Mean duration of each stage over the last ``runs`` completed runs of ``workflow``."""
        async with self._session() as s:
            result = await s.execute(
                select(_col(_T.stage_durations))
                .where(
                    _col(_T.workflow) == workflow,
                    _col(_T.status) == OperationStatus.COMPLETED.value,
                )
                .order_by(_col(_T.finished_at).desc())
                .limit(runs)
            )
            samples = [d for d in result.scalars() if d]
        totals: dict[str, list[float]] = {}
        for durations in samples:
            for stage, seconds in durations.items():
                totals.setdefault(stage, []).append(float(seconds))
        return {stage: sum(v) / len(v) for stage, v in totals.items()}

    # -- figures -----------------------------------------------------------------------------------

    async def count_active_by_workflow(self) -> list[tuple[str, str, int]]:
        """(status, workflow, count) of the operations queued, running or cancelling."""
        stmt = (
            select(_col(_T.status), _col(_T.workflow), func.count())
            .where(_col(_T.status).in_(_ACTIVE))
            .group_by(_col(_T.status), _col(_T.workflow))
        )
        async with self._session() as s:
            return [(status, workflow, int(n)) for status, workflow, n in (await s.execute(stmt)).all()]

    async def count_by_status(self, owner: str | None) -> dict[str, int]:
        stmt = (
            select(_col(_T.status), func.count())
            .where(_col(_T.status).in_(_ACTIVE))
            .group_by(_col(_T.status))
        )
        if owner is not None:
            stmt = stmt.where(_col(_T.owner) == owner)
        async with self._session() as s:
            return {status: int(n) for status, n in (await s.execute(stmt)).all()}

    async def finished_since(self, since: datetime, owner: str | None) -> list[tuple[str, float | None]]:
        """(status, run seconds) of operations that finished since ``since``."""
        stmt = select(_col(_T.status), _col(_T.started_at), _col(_T.finished_at)).where(
            _col(_T.finished_at) >= as_utc(since)
        )
        if owner is not None:
            stmt = stmt.where(_col(_T.owner) == owner)
        async with self._session() as s:
            rows = (await s.execute(stmt)).all()
        return [
            (status, (as_utc(end) - as_utc(start)).total_seconds() if start and end else None)
            for status, start, end in rows
        ]

    async def queue_usage(self) -> tuple[dict[Priority, int], list[tuple[str, int, int]]]:
        async with self._session() as s:
            depth_rows = (
                await s.execute(
                    select(_col(_T.priority), func.count())
                    .where(_col(_T.status) == _QUEUED)
                    .group_by(_col(_T.priority))
                )
            ).all()
            usage_rows = (
                await s.execute(
                    select(
                        _col(_T.owner),
                        func.sum(func.cast(_col(_T.status) == _QUEUED, type_=_int_type())),
                        func.sum(func.cast(_col(_T.status).in_(_RUNNING_LIKE), type_=_int_type())),
                    )
                    .where(_col(_T.status).in_(_ACTIVE))
                    .group_by(_col(_T.owner))
                    .order_by(_col(_T.owner))
                )
            ).all()
        depth = {p: 0 for p in Priority}
        for priority, n in depth_rows:
            depth[Priority(priority)] = int(n)
        return depth, [(owner, int(q or 0), int(r or 0)) for owner, q, r in usage_rows]

    async def ping(self) -> None:
        async with self._session() as s:
            await s.execute(select(1))


def _int_type() -> Any:
    from sqlalchemy import Integer

    return Integer()


def day_start(now: datetime) -> datetime:
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def week_ago(now: datetime) -> datetime:
    return now - timedelta(days=7)
