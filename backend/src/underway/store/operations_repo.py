"""Reads and writes of operations and their event logs.

All status changes are compare-and-set updates (``WHERE status IN (legal sources)``) written in the
same transaction as their event, so racing writers (cancel vs finish, cancel vs start) cannot both win.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Table, and_, func, insert, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from underway.operations.errors import IdempotencyConflict, QueueFull, UserQuotaExceeded
from underway.operations.models import EventType, OperationEvent, OperationFilter, Priority
from underway.operations.status import ACTIVE_STATUSES, OperationStatus, sources_of
from underway.progress.events import EventDraft, utcnow
from underway.store.engine import write_session
from underway.store.mapping import event_of, event_values, progress_of
from underway.store.tables import EventRow, OperationRow, WorkerRow
from underway.store.timeutil import as_utc

_QUEUED = OperationStatus.QUEUED.value
_RUNNING_LIKE = (OperationStatus.RUNNING.value, OperationStatus.CANCELLING.value)
_ACTIVE = tuple(s.value for s in ACTIVE_STATUSES)
_T = OperationRow
_EVENTS: Table = EventRow.__table__  # type: ignore[attr-defined]


def _col(attr: Any) -> ColumnElement[Any]:
    """SQLModel attributes typed as plain values; this hands mypy the column they really are."""
    return attr  # type: ignore[no-any-return]


@dataclass(frozen=True)
class HeldBy:
    """Guard of a transition: the operation must still be held by this worker (None: by no worker)."""

    worker_id: str | None


def _held_by(worker_id: str | None) -> ColumnElement[bool]:
    return _col(_T.worker_id).is_(None) if worker_id is None else _col(_T.worker_id) == worker_id


def _worker_gone(lapsed_workers: Sequence[str]) -> ColumnElement[bool]:
    # "Not registered" is read in the same statement as the operations: a worker registers before it
    # claims anything, so an operation claimed by a worker that has just started is never mistaken
    # for an abandoned one.
    registered = select(_col(WorkerRow.id))
    return or_(_col(_T.worker_id).in_(list(lapsed_workers)), _col(_T.worker_id).not_in(registered))


def _claimable_by(worker_id: str) -> ColumnElement[bool]:
    """Queued work is open to every worker unless it was reserved for one (``underway run``)."""
    return or_(_col(_T.worker_id).is_(None), _col(_T.worker_id) == worker_id)


@dataclass(frozen=True)
class Admission:
    """Limits checked atomically with the insert of a new operation."""

    capacity: int
    max_queued_per_user: int
    retry_after_s: int


class InvalidCursor(ValueError):
    pass


def encode_cursor(row: OperationRow) -> str:
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
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._session = async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)
        self._is_postgres = engine.dialect.name == "postgresql"

    # -- creation --------------------------------------------------------------------------------

    async def find_by_idempotency_key(self, owner: str, key: str) -> OperationRow | None:
        async with self._session() as s:
            result = await s.execute(
                select(_T).where(_col(_T.owner) == owner, _col(_T.idempotency_key) == key)
            )
            return result.scalars().first()

    async def create(
        self, row: OperationRow, first_event: EventDraft, admission: Admission
    ) -> tuple[OperationRow, bool]:
        """Insert a queued operation with its first event, unless limits or an idempotency key say no.

        Returns ``(row, created)``; ``created`` is False when the key matched an identical request."""
        try:
            async with write_session(self._engine, AsyncSession) as s, s.begin():
                if self._is_postgres:
                    # Serialise admission across processes so two submits cannot both take the last slot.
                    await s.execute(text("SELECT pg_advisory_xact_lock(7305)"))
                if row.idempotency_key is not None:
                    existing = await self._existing_for_key(s, row)
                    if existing is not None:
                        return existing, False
                await self._admit(s, row.owner, admission)
                row.last_seq = 1
                s.add(row)
                await s.flush()
                await s.execute(insert(_EVENTS), [event_values(first_event.with_seq(1))])
            return row, True
        except IntegrityError:
            # Another process inserted the same idempotency key between our check and insert.
            if row.idempotency_key is None:
                raise
            existing = await self.find_by_idempotency_key(row.owner, row.idempotency_key)
            if existing is None or existing.request_hash != row.request_hash:
                raise IdempotencyConflict(row.idempotency_key, existing.id if existing else "") from None
            return existing, False

    async def _existing_for_key(self, s: AsyncSession, row: OperationRow) -> OperationRow | None:
        result = await s.execute(
            select(_T).where(_col(_T.owner) == row.owner, _col(_T.idempotency_key) == row.idempotency_key)
        )
        existing = result.scalars().first()
        if existing is not None and existing.request_hash != row.request_hash:
            assert row.idempotency_key is not None
            raise IdempotencyConflict(row.idempotency_key, existing.id)
        return existing

    async def _admit(self, s: AsyncSession, owner: str, admission: Admission) -> None:
        counts = await s.execute(
            select(
                func.count(),
                func.coalesce(func.sum(func.cast(_col(_T.owner) == owner, type_=_int_type())), 0),
            ).where(_col(_T.status) == _QUEUED)
        )
        total, mine = counts.one()
        if total >= admission.capacity:
            raise QueueFull(admission.capacity, admission.retry_after_s)
        if mine >= admission.max_queued_per_user:
            raise UserQuotaExceeded(owner, admission.max_queued_per_user, admission.retry_after_s)

    # -- status transitions ----------------------------------------------------------------------

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
    ) -> tuple[OperationRow, OperationEvent] | None:
        """Move an operation to ``target`` if that is legal from its current status, with its event.

        ``only_from`` narrows the legal sources; ``held_by`` also requires the operation to still be
        held by that worker (recovery acts on what it read, and must not touch a row claimed since).
        Returns None when the operation is not in a legal source status (somebody else won the race)."""
        legal = sources_of(target)
        if only_from is not None and not set(only_from) <= legal:
            # A programming error, not a race: the legality table in operations/status.py is the law.
            illegal = sorted(s.value for s in set(only_from) - legal)
            raise ValueError(f"illegal transition to {target.value} from {', '.join(illegal)}")
        conditions: list[ColumnElement[bool]] = [_col(_T.status).in_([s.value for s in (only_from or legal)])]
        if held_by is not None:
            conditions.append(_held_by(held_by.worker_id))
        async with write_session(self._engine, AsyncSession) as s, s.begin():
            return await self._transition(
                s, operation_id, target, conditions, event_type, message, percent, fields or {}
            )

    async def claim(
        self, operation_id: str, owner: str, worker_id: str, *, max_running_per_user: int, now: datetime
    ) -> tuple[OperationRow, OperationEvent] | None:
        """queued -> running for ``worker_id``, unless the operation was taken, cancelled or reserved
        for another worker, or its owner already runs ``max_running_per_user`` operations (in any
        process). None means: move on to the next one."""
        async with write_session(self._engine, AsyncSession) as s, s.begin():
            if self._is_postgres:
                # Serialise claims per owner across processes, so two dispatchers cannot both take
                # the owner's last slot (SQLite's BEGIN IMMEDIATE already serialises every writer).
                await s.execute(
                    text("SELECT pg_advisory_xact_lock(7306, hashtext(:owner))"), {"owner": owner}
                )
            running = await s.execute(
                select(func.count()).where(_col(_T.owner) == owner, _col(_T.status).in_(_RUNNING_LIKE))
            )
            if running.scalar_one() >= max_running_per_user:
                return None
            return await self._transition(
                s,
                operation_id,
                OperationStatus.RUNNING,
                [_col(_T.status) == _QUEUED, _claimable_by(worker_id)],
                EventType.STATUS,
                "Started",
                None,
                {"started_at": now, "worker_id": worker_id},
            )

    async def _transition(
        self,
        s: AsyncSession,
        operation_id: str,
        target: OperationStatus,
        conditions: list[ColumnElement[bool]],
        event_type: EventType,
        message: str | None,
        percent: float | None,
        fields: dict[str, Any],
    ) -> tuple[OperationRow, OperationEvent] | None:
        values: dict[str, Any] = {"status": target.value, "last_seq": _T.last_seq + 1, **fields}
        if message is not None:
            values["message"] = message
        if percent is not None:
            values["percent"] = percent
        if target.is_terminal:
            values["eta_s"] = 0.0 if target is OperationStatus.COMPLETED else None
        result = await s.execute(
            update(_T).where(_col(_T.id) == operation_id, *conditions).values(**values).returning(_T)
        )
        row = result.scalars().first()
        if row is None:
            return None
        event = OperationEvent(
            seq=row.last_seq,
            operation_id=operation_id,
            type=event_type,
            status=target,
            ts=utcnow(),
            **progress_of(row).model_dump(),
        )
        await s.execute(insert(_EVENTS), [event_values(event)])
        return row, event

    # -- events ----------------------------------------------------------------------------------

    async def append(self, drafts: Sequence[EventDraft]) -> list[OperationEvent]:
        """Persist drafts of running operations in one transaction, numbering them per operation.

        Drafts of operations that already reached a terminal status are dropped: nothing may follow
        the terminal event."""
        by_op: dict[str, list[EventDraft]] = {}
        for d in drafts:
            by_op.setdefault(d.operation_id, []).append(d)
        written: list[OperationEvent] = []
        pending_rows: list[dict[str, Any]] = []
        async with write_session(self._engine, AsyncSession) as s, s.begin():
            for op_id, items in by_op.items():
                latest = items[-1].progress
                result = await s.execute(
                    update(_T)
                    .where(_col(_T.id) == op_id, _col(_T.status).in_(_RUNNING_LIKE))
                    .values(
                        last_seq=_T.last_seq + len(items),
                        percent=latest.percent,
                        stage=latest.stage,
                        stage_index=latest.stage_index,
                        total_stages=latest.total_stages,
                        message=latest.message,
                        eta_s=latest.eta_s,
                    )
                    .returning(_col(_T.last_seq), _col(_T.status))
                )
                numbered = result.first()
                if numbered is None:
                    continue
                last, status = numbered[0], OperationStatus(numbered[1])
                first = last - len(items) + 1
                # Stamped now, under the row's lock: after ``cancelling`` an event says so, and ts
                # follows seq (a transition is stamped the same way).
                now = utcnow()
                events = [d.with_seq(first + i, status=status, ts=now) for i, d in enumerate(items)]
                pending_rows.extend(event_values(e) for e in events)
                written.extend(events)
            if pending_rows:
                await s.execute(insert(_EVENTS), pending_rows)
        return written

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

    async def get(self, operation_id: str) -> OperationRow | None:
        async with self._session() as s:
            return await s.get(_T, operation_id)

    async def page(
        self, flt: OperationFilter, cursor: str | None, limit: int
    ) -> tuple[list[OperationRow], str | None]:
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
        async with self._session() as s:
            result = await s.execute(
                select(_T)
                .where(*conditions)
                .order_by(_col(_T.created_at).desc(), _col(_T.id).desc())
                .limit(limit + 1)
            )
            rows = list(result.scalars())
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

    async def queue_position(self, row: OperationRow) -> int:
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

    async def next_queued(
        self, limit: int, *, worker_id: str, own_only: bool, max_running_per_user: int
    ) -> list[OperationRow]:
        """The head of the queue that ``worker_id`` may claim, skipping owners who already run
        ``max_running_per_user`` operations anywhere (the claim checks that again, atomically)."""
        at_limit = (
            select(_col(_T.owner))
            .where(_col(_T.status).in_(_RUNNING_LIKE))
            .group_by(_col(_T.owner))
            .having(func.count() >= max_running_per_user)
        )
        reserved = _col(_T.worker_id) == worker_id if own_only else _claimable_by(worker_id)
        stmt = (
            select(_T)
            .where(_col(_T.status) == _QUEUED, reserved, _col(_T.owner).not_in(at_limit))
            .order_by(_col(_T.priority_rank), _col(_T.enqueued_at), _col(_T.id))
            .limit(limit)
        )
        async with self._session() as s:
            return list((await s.execute(stmt)).scalars())

    async def in_flight(self, *, held_by: str) -> list[OperationRow]:
        """Running and cancelling operations held by one worker."""
        return await self._in_flight(_col(_T.worker_id) == held_by)

    async def in_flight_abandoned(self, lapsed_workers: Sequence[str]) -> list[OperationRow]:
        """Running and cancelling operations whose worker is gone: lapsed, unregistered, or none at
        all (claimed before leases existed)."""
        return await self._in_flight(or_(_col(_T.worker_id).is_(None), _worker_gone(lapsed_workers)))

    async def _in_flight(self, held: ColumnElement[bool]) -> list[OperationRow]:
        async with self._session() as s:
            result = await s.execute(select(_T).where(_col(_T.status).in_(_RUNNING_LIKE), held))
            return list(result.scalars())

    async def release_reservations(self, lapsed_workers: Sequence[str]) -> None:
        """Open queued operations reserved for a worker that is gone to every worker."""
        async with write_session(self._engine, AsyncSession) as s, s.begin():
            await s.execute(
                update(_T)
                .where(
                    _col(_T.status) == _QUEUED, _col(_T.worker_id).is_not(None), _worker_gone(lapsed_workers)
                )
                .values(worker_id=None)
            )

    async def add_artifact(self, operation_id: str, artifact: dict[str, Any]) -> None:
        async with write_session(self._engine, AsyncSession) as s, s.begin():
            row = await s.get(_T, operation_id, with_for_update=self._is_postgres)
            if row is None:
                return
            kept = [a for a in row.artifacts if a["name"] != artifact["name"]]
            row.artifacts = [*kept, artifact]
            s.add(row)

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
