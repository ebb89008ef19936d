"""Numbering the events of many running operations in one statement.

A batch holds runs of progress, stage and log events of many operations. Each run takes the next
``seq`` numbers of its operation and leaves the newest progress on the row; one ``UPDATE ... FROM
(VALUES ...)`` does it for every operation of the batch (SQLite 3.33+ and PostgreSQL), instead of
one statement per operation. Only running or cancelling operations take events: a finished one
is not returned, and its late events are dropped (nothing may follow a terminal event).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection

from underway.operations.status import RUNNING_LIKE, OperationStatus

_COLUMNS = ("id", "n", "percent", "stage", "stage_index", "total_stages", "message", "eta_s")
# The first row names the types, so PostgreSQL need not guess them from NULLs.
_TYPES = (
    "VARCHAR",
    "INTEGER",
    "DOUBLE PRECISION",
    "VARCHAR",
    "INTEGER",
    "INTEGER",
    "TEXT",
    "DOUBLE PRECISION",
)
_ROWS_PER_STATEMENT = 500  # 8 parameters a row, well under SQLite's 32,766
_HELD = ", ".join(f"'{s.value}'" for s in sorted(RUNNING_LIKE))


@dataclass(frozen=True, slots=True)
class Run:
    """A run of ``count`` events of one operation, and the progress the last one leaves."""

    operation_id: str
    count: int
    percent: float
    stage: str | None
    stage_index: int | None
    total_stages: int
    message: str | None
    eta_s: float | None


def number_runs(
    conn: Connection, runs: Sequence[Run], *, postgres: bool
) -> dict[str, tuple[int, OperationStatus]]:
    """The operations' newest ``seq`` and status after taking their runs (finished ones absent)."""
    numbered: dict[str, tuple[int, OperationStatus]] = {}
    for start in range(0, len(runs), _ROWS_PER_STATEMENT):
        chunk = sorted(runs[start : start + _ROWS_PER_STATEMENT], key=lambda r: r.operation_id)
        for op_id, last_seq, status in conn.exec_driver_sql(_statement(len(chunk), postgres), _params(chunk)):
            numbered[op_id] = (last_seq, OperationStatus(status))
    return numbered


def _params(runs: Sequence[Run]) -> tuple[object, ...]:
    return tuple(
        value
        for r in runs
        for value in (
            r.operation_id,
            r.count,
            r.percent,
            r.stage,
            r.stage_index,
            r.total_stages,
            r.message,
            r.eta_s,
        )
    )


_CACHE: dict[tuple[int, bool], str] = {}


def _statement(rows: int, postgres: bool) -> str:
    sql = _CACHE.get((rows, postgres))
    if sql is None:
        mark = "%s" if postgres else "?"
        first = "(" + ", ".join(f"CAST({mark} AS {t})" for t in _TYPES) + ")"
        rest = "(" + ", ".join(mark for _ in _COLUMNS) + ")"
        values = ", ".join([first, *([rest] * (rows - 1))])
        # Only constants and placeholders are interpolated; every value is a bound parameter.
        sql = _CACHE[(rows, postgres)] = (
            f"WITH v({', '.join(_COLUMNS)}) AS (VALUES {values}) "  # noqa: S608
            "UPDATE operations SET last_seq = operations.last_seq + v.n, percent = v.percent, "
            "stage = v.stage, stage_index = v.stage_index, total_stages = v.total_stages, "
            "message = v.message, eta_s = v.eta_s "
            f"FROM v WHERE operations.id = v.id AND operations.status IN ({_HELD}) "
            "RETURNING operations.id, operations.last_seq, operations.status"
        )
    return sql
