"""Claiming queued operations: up to N per statement, per-user limits exact across processes.

A transaction of its own on PostgreSQL (on SQLite, one writer, it shares the batch's):

1. read the head of the queue this worker may run (its workflows; open or reserved for it; owners
   not already at their limit), highest priority first, FIFO within a priority. On PostgreSQL the
   rows are locked ``FOR UPDATE SKIP LOCKED``, so concurrent claimers take different rows and never
   wait for each other;
2. lock the candidates' owners' ``user_slots`` rows in owner order (on PostgreSQL ``SKIP LOCKED``:
   an owner whose row another process's claim or settlement holds is left for this time, rather
   than waited for; SQLite has one writer) and take, in queue order, what the free slots of the
   owners locked allow;
3. move them ``queued -> running`` for this worker in one UPDATE, with their events, and add what
   was taken to the owners' slot counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select, update

from underway.operations.models import EventType, OperationEvent
from underway.operations.status import OperationStatus
from underway.progress.events import utcnow
from underway.store.mapping import progress_of
from underway.store.records import OperationRecord
from underway.store.writer.transaction import OPERATIONS, SLOTS, Tx

_O = OPERATIONS.c
_QUEUED = OperationStatus.QUEUED.value
# Candidates read beyond what is asked, so owners with one free slot left do not starve the claim.
_EXTRA_CANDIDATES = 16


@dataclass(frozen=True, slots=True)
class Claim:
    worker_id: str
    limit: int
    workflows: Sequence[str]
    max_running_per_user: int
    reserved_only: bool = False  # take only operations reserved for this worker (``underway run``)
    solo: bool = True
    buffered: bool = False

    def apply(self, tx: Tx) -> list[OperationRecord]:
        if self.limit <= 0 or not self.workflows:
            return []
        candidates = self._candidates(tx)
        if not candidates:
            return []
        running = self._lock_slots(tx, sorted({owner for _, owner in candidates}))
        taken: Counter[str] = Counter()
        chosen: list[str] = []
        for op_id, owner in candidates:
            if owner not in running:  # its slot row is held elsewhere (or missing): not now
                continue
            if running[owner] + taken[owner] < self.max_running_per_user:
                taken[owner] += 1
                chosen.append(op_id)
                if len(chosen) == self.limit:
                    break
        if not chosen:
            return []
        # Started when claimed, in the claim's transaction: a run's interval never overlaps the run
        # whose slot it took (that one's settlement committed first).
        rows = [OperationRecord.of(r) for r in tx.conn.execute(self._start(chosen, utcnow())).mappings()]
        tx.slot_deltas.update(Counter(row.owner for row in rows))
        tx.queue_changed()
        for row in rows:
            tx.transitioned(row, _started_event(row))
        order = {op_id: i for i, op_id in enumerate(chosen)}
        return sorted(rows, key=lambda row: order[row.id])

    def _candidates(self, tx: Tx) -> list[tuple[str, str]]:
        reserved = (
            _O.worker_id == self.worker_id
            if self.reserved_only
            else or_(_O.worker_id.is_(None), _O.worker_id == self.worker_id)
        )
        at_limit = select(SLOTS.c.owner).where(SLOTS.c.running >= self.max_running_per_user)
        stmt = (
            select(_O.id, _O.owner)
            .where(
                _O.status == _QUEUED,
                reserved,
                _O.workflow.in_(list(self.workflows)),
                _O.owner.not_in(at_limit),
            )
            .order_by(_O.priority_rank, _O.enqueued_at, _O.id)
            .limit(self.limit + _EXTRA_CANDIDATES)
        )
        if tx.is_postgres:
            stmt = stmt.with_for_update(skip_locked=True, of=OPERATIONS)
        return [(op_id, owner) for op_id, owner in tx.conn.execute(stmt)]

    def _lock_slots(self, tx: Tx, owners: list[str]) -> dict[str, int]:
        stmt = select(SLOTS.c.owner, SLOTS.c.running).where(SLOTS.c.owner.in_(owners)).order_by(SLOTS.c.owner)
        if tx.is_postgres:
            # Never waiting here is also what keeps claims out of deadlocks: settlements wait for
            # slot rows (in owner order), claims only take what is free.
            stmt = stmt.with_for_update(skip_locked=True)
        return {owner: running for owner, running in tx.conn.execute(stmt)}

    def _start(self, ids: list[str], now: datetime):  # type: ignore[no-untyped-def]
        return (
            update(OPERATIONS)
            .where(_O.id.in_(ids), _O.status == _QUEUED)
            .values(
                status=OperationStatus.RUNNING.value,
                worker_id=self.worker_id,
                started_at=now,
                message="Started",
                last_seq=_O.last_seq + 1,
            )
            .returning(*OPERATIONS.c)
        )


def _started_event(row: OperationRecord) -> OperationEvent:
    return OperationEvent(
        seq=row.last_seq,
        operation_id=row.id,
        type=EventType.STATUS,
        status=OperationStatus.RUNNING,
        ts=utcnow(),
        **progress_of(row).model_dump(),
    )
