"""A status transition: one compare-and-set UPDATE and its event, in the batch's transaction.

``UPDATE ... WHERE id = ? AND status IN (legal sources) [AND still held by the worker it was read
with] RETURNING *``: racing writers (a cancel against the workflow finishing, recovery against a
new claim) cannot both win, so exactly one terminal status and one terminal event are written. The
owner's running slot is given back in the same transaction when the operation leaves a worker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, update

from underway.operations.models import EventType, OperationEvent
from underway.operations.status import OperationStatus, releases_slot
from underway.progress.events import utcnow
from underway.store.mapping import progress_of, row_of
from underway.store.tables import OperationRow
from underway.store.writer.transaction import OPERATIONS, Tx

_O = OPERATIONS.c


@dataclass(frozen=True, slots=True)
class HeldBy:
    """Guard of a transition: the operation must still be held by this worker (None: by no worker)."""

    worker_id: str | None


@dataclass(frozen=True, slots=True)
class Transition:
    operation_id: str
    target: OperationStatus
    sources: frozenset[OperationStatus]
    event_type: EventType = EventType.STATUS
    message: str | None = None
    percent: float | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    held_by: HeldBy | None = None
    solo: bool = False
    buffered: bool = False

    def apply(self, tx: Tx) -> OperationRow | None:
        """The row after the transition, or None when the operation was not in a legal source
        status any more (somebody else won the race)."""
        values: dict[str, Any] = {"status": self.target.value, "last_seq": _O.last_seq + 1, **self.fields}
        if self.message is not None:
            values["message"] = self.message
        if self.percent is not None:
            values["percent"] = self.percent
        if self.target.is_terminal:
            values["eta_s"] = 0.0 if self.target is OperationStatus.COMPLETED else None
        conditions: list[ColumnElement[bool]] = [
            _O.id == self.operation_id,
            _O.status.in_([s.value for s in self.sources]),
        ]
        if self.held_by is not None:
            worker = self.held_by.worker_id
            conditions.append(_O.worker_id.is_(None) if worker is None else _O.worker_id == worker)
        returned = (
            tx.conn.execute(update(OPERATIONS).where(*conditions).values(**values).returning(*OPERATIONS.c))
            .mappings()
            .first()
        )
        if returned is None:
            return None
        row = row_of(returned)
        event = OperationEvent(
            seq=row.last_seq,
            operation_id=row.id,
            type=self.event_type,
            status=self.target,
            ts=utcnow(),
            **progress_of(row).model_dump(),
        )
        if releases_slot(self.sources, self.target):
            tx.slot_deltas[row.owner] -= 1
        if OperationStatus.QUEUED in self.sources or self.target is OperationStatus.QUEUED:
            tx.queue_changed()
        tx.transitioned(row, event)
        return row
