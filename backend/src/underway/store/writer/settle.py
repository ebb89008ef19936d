"""Settling finished runs: the outcome of many operations in one compare-and-set statement.

A worker settles what its runs ended with (completed, failed, cancelled, timed out). Settlements of
many operations in one batch go in one ``UPDATE ... FROM (VALUES ...) RETURNING``, each row guarded
like a single transition: the operation must still be running or cancelling (``cancelled`` only
from ``cancelling``) and still held by the worker that ran it. A row not returned lost its race.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import TextClause, bindparam, text

from underway.operations.models import EventType, OperationEvent
from underway.operations.status import OperationStatus
from underway.progress.events import utcnow
from underway.store.mapping import progress_of
from underway.store.records import OperationRecord
from underway.store.writer.transaction import OPERATIONS, Later, Tx

_O = OPERATIONS.c
_COMPLETED = OperationStatus.COMPLETED.value
_CANCELLED = OperationStatus.CANCELLED.value
# (name, column whose type binds it, PostgreSQL type named in the first row)
_VALUES = (
    ("id", _O.id, "VARCHAR"),
    ("worker", _O.worker_id, "VARCHAR"),
    ("status", _O.status, "VARCHAR"),
    ("message", _O.message, "TEXT"),
    ("error", _O.error, "TEXT"),
    ("result", _O.result, "JSON"),
    ("stage_durations", _O.stage_durations, "JSON"),
    ("finished_at", _O.finished_at, "TIMESTAMPTZ"),
)
_ROWS_PER_STATEMENT = 400


@dataclass(frozen=True, slots=True)
class Settle:
    operation_id: str
    worker_id: str
    status: OperationStatus
    message: str
    finished_at: datetime
    error: str | None = None
    result: Any = None  # kept only when completed
    stage_durations: dict[str, float] | None = None  # kept only when completed
    solo: bool = False
    buffered: bool = True  # written in order with its operation's events, at the next flush

    def apply(self, tx: Tx) -> Later[OperationRecord | None]:
        return tx.add_transition(self.operation_id, settle_all, self)


def settle_all(tx: Tx, settles: list[Settle]) -> list[OperationRecord | None]:
    rows: dict[str, OperationRecord] = {}
    for start in range(0, len(settles), _ROWS_PER_STATEMENT):
        chunk = settles[start : start + _ROWS_PER_STATEMENT]
        params: dict[str, Any] = {}
        for i, s in enumerate(chunk):
            durations = s.stage_durations or {}
            for name, value in zip(
                (v[0] for v in _VALUES),
                (
                    s.operation_id,
                    s.worker_id,
                    s.status.value,
                    s.message,
                    s.error,
                    s.result,
                    durations,
                    s.finished_at,
                ),
                strict=True,
            ):
                params[f"p{i}_{name}"] = value
        for mapping in tx.conn.execute(_statement(len(chunk), tx.is_postgres), params).mappings():
            row = OperationRecord.of(mapping)
            rows[row.id] = row
    outcomes: list[OperationRecord | None] = []
    for s in settles:
        settled = rows.get(s.operation_id)
        if settled is not None:
            tx.slot_deltas[settled.owner] -= 1
            event = OperationEvent(
                seq=settled.last_seq,
                operation_id=settled.id,
                type=EventType.STATUS,
                status=s.status,
                ts=utcnow(),
                **progress_of(settled).model_dump(),
            )
            tx.transitioned(settled, event)
        outcomes.append(settled)
    return outcomes


_CACHE: dict[tuple[int, bool], TextClause] = {}


def _statement(rows: int, postgres: bool) -> TextClause:
    stmt = _CACHE.get((rows, postgres))
    if stmt is None:
        stmt = _CACHE[(rows, postgres)] = _build(rows, postgres)
    return stmt


def _build(rows: int, postgres: bool) -> TextClause:
    def row(i: int) -> str:
        if postgres and i == 0:
            return "(" + ", ".join(f"CAST(:p0_{n} AS {t})" for n, _, t in _VALUES) + ")"
        return "(" + ", ".join(f":p{i}_{n}" for n, _, _ in _VALUES) + ")"

    # SQLite keeps JSON as text; PostgreSQL needs the JSON values typed.
    as_json = "CAST(v.{} AS JSON)" if postgres else "v.{}"
    sql = (
        # Only constants and placeholders are interpolated; every value is a bound parameter.
        f"WITH v({', '.join(n for n, _, _ in _VALUES)}) AS (VALUES {', '.join(row(i) for i in range(rows))}) "  # noqa: S608
        "UPDATE operations SET status = v.status, last_seq = operations.last_seq + 1, "
        "message = v.message, error = v.error, finished_at = v.finished_at, "
        f"result = CASE WHEN v.status = '{_COMPLETED}' THEN {as_json.format('result')} ELSE operations.result END, "
        f"stage_durations = CASE WHEN v.status = '{_COMPLETED}' "
        f"THEN {as_json.format('stage_durations')} ELSE operations.stage_durations END, "
        f"percent = CASE WHEN v.status = '{_COMPLETED}' THEN 100.0 ELSE operations.percent END, "
        f"eta_s = CASE WHEN v.status = '{_COMPLETED}' THEN 0.0 ELSE NULL END "
        "FROM v WHERE operations.id = v.id AND operations.worker_id = v.worker "
        "AND operations.status IN ('running', 'cancelling') "
        f"AND (v.status <> '{_CANCELLED}' OR operations.status = 'cancelling') "
        f"RETURNING {', '.join('operations.' + c.name for c in OPERATIONS.c)}"
    )
    binds = [bindparam(f"p{i}_{n}", type_=column.type) for i in range(rows) for n, column, _ in _VALUES]
    return text(sql).bindparams(*binds).columns(*OPERATIONS.c)  # type: ignore[return-value]
