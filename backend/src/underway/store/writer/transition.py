"""A status transition: one compare-and-set UPDATE and its event, in the batch's transaction.

``UPDATE ... WHERE id = ? AND status IN (legal sources) [AND still held by the worker it was read
with] RETURNING *``: racing writers (a cancel against the workflow finishing, recovery against a
new claim) cannot both win, so exactly one terminal status and one terminal event are written. The
owner's running slot is given back in the same transaction when the operation leaves a worker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, bindparam, or_, update

from underway.operations.models import EventType, OperationEvent
from underway.operations.status import OperationStatus, releases_slot
from underway.progress.events import utcnow
from underway.store.mapping import progress_of
from underway.store.records import OperationRecord
from underway.store.writer.transaction import OPERATIONS, Later, Tx

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
    buffered: bool = True  # written in order with its operation's events, at the next flush

    def apply(self, tx: Tx) -> Later[OperationRecord | None]:
        """The row after the transition, or None when the operation was not in a legal source
        status any more (somebody else won the race)."""
        return tx.add_transition(self.operation_id, _write_each, self)

    def write(self, tx: Tx) -> OperationRecord | None:
        params: dict[str, Any] = {
            "b_id": self.operation_id,
            "b_message": self.message,
            "b_percent": self.percent,
        }
        params.update({f"b_{name}": value for name, value in self.fields.items()})
        if self.held_by is not None:
            params["b_worker"] = self.held_by.worker_id
        returned = tx.conn.execute(self._statement(), params).mappings().first()
        if returned is None:
            return None
        row = OperationRecord.of(returned)
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

    def _statement(self) -> Any:
        shape = (
            self.target,
            self.sources,
            None if self.held_by is None else self.held_by.worker_id is None,
            tuple(sorted(self.fields)),
            self.message is not None,
            self.percent is not None,
        )
        stmt = _STATEMENTS.get(shape)
        if stmt is None:
            stmt = _STATEMENTS[shape] = _build(*shape)
        return stmt


def _write_each(tx: Tx, transitions: list[Transition]) -> list[OperationRecord | None]:
    return [t.write(tx) for t in transitions]


# Built once per shape (target, sources, guard, fields set), with bound parameters for the values,
# so SQLAlchemy compiles each shape once and a settlement costs one execute.
_STATEMENTS: dict[tuple[Any, ...], Any] = {}


def _build(
    target: OperationStatus,
    sources: frozenset[OperationStatus],
    unheld_guard: bool | None,
    fields: tuple[str, ...],
    message: bool,
    percent: bool,
) -> Any:
    values: dict[str, Any] = {"status": target.value, "last_seq": _O.last_seq + 1}
    values.update({name: bindparam(f"b_{name}") for name in fields})
    if message:
        values["message"] = bindparam("b_message")
    if percent:
        values["percent"] = bindparam("b_percent")
    if target.is_terminal:
        values["eta_s"] = 0.0 if target is OperationStatus.COMPLETED else None
    conditions: list[ColumnElement[bool]] = [
        _O.id == bindparam("b_id"),
        or_(*(_O.status == s.value for s in sorted(sources))),
    ]
    if unheld_guard is not None:
        conditions.append(_O.worker_id.is_(None) if unheld_guard else _O.worker_id == bindparam("b_worker"))
    return update(OPERATIONS).where(*conditions).values(**values).returning(*OPERATIONS.c)
