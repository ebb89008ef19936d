"""Submitting an operation: admission limits, idempotency, the row and its first event.

Concurrent submissions share a transaction (group commit), and the limits stay exact: the queued
counts are read once per transaction under the admission lock (a PostgreSQL advisory lock; on
SQLite the single writer) and kept current as each submission of the batch is admitted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from underway.operations.errors import IdempotencyConflict, QueueFull, UserQuotaExceeded
from underway.progress.events import EventDraft
from underway.store.writer.commands import Refused
from underway.store.writer.transaction import OPERATIONS, Tx


@dataclass(frozen=True)
class Admission:
    """Limits checked atomically with the insert of a new operation."""

    capacity: int
    max_queued_per_user: int
    retry_after_s: int


@dataclass(frozen=True, slots=True)
class Submitted:
    values: dict[str, Any]  # the operations row's column values
    created: bool  # False: an earlier request with the same idempotency key made it
    queue_position: int | None  # known for a new operation; None for an existing one


@dataclass(frozen=True, slots=True)
class Submit:
    values: dict[str, Any]
    first_event: EventDraft
    admission: Admission
    solo: bool = False
    buffered: bool = True  # its insert waits for the batch's one executemany

    def apply(self, tx: Tx) -> Submitted | Refused:
        values = self.values
        owner, key = values["owner"], values["idempotency_key"]
        if key is not None:
            existing = tx.pending_with_key(owner, key) or _stored_with_key(tx, owner, key)
            if existing is not None:
                if existing["request_hash"] != values["request_hash"]:
                    return Refused(IdempotencyConflict(key, existing["id"]))
                return Submitted(existing, created=False, queue_position=None)
        by_rank = tx.queued_by_rank()
        admission = self.admission
        if sum(by_rank.values()) >= admission.capacity:
            return Refused(QueueFull(admission.capacity, admission.retry_after_s))
        if tx.queued_of(owner) >= admission.max_queued_per_user:
            return Refused(UserQuotaExceeded(owner, admission.max_queued_per_user, admission.retry_after_s))
        rank = values["priority_rank"]
        # It joins the end of its priority class: behind every queued operation of a higher or the
        # same priority (its enqueue time is now).
        position = sum(n for r, n in by_rank.items() if r <= rank) + 1
        stored = {**values, "last_seq": 1}
        tx.add_operation(stored)
        tx.record(self.first_event.with_seq(1))
        return Submitted(stored, created=True, queue_position=position)


def _stored_with_key(tx: Tx, owner: str, key: str) -> dict[str, Any] | None:
    tx.lock_admission()  # a racing process inserts the same key only after we commit
    row = (
        tx.conn.execute(
            select(OPERATIONS).where(OPERATIONS.c.owner == owner, OPERATIONS.c.idempotency_key == key)
        )
        .mappings()
        .first()
    )
    return dict(row) if row is not None else None
