"""Operations as the core handles them: plain records read and returned by Core statements.

``tables.OperationRow`` is the schema (for Alembic and the ORM); the hot path never builds ORM
objects (instrumenting one costs more than the statement that read it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any


@dataclass(slots=True)
class OperationRecord:
    id: str
    workflow: str
    owner: str
    status: str
    priority: str
    priority_rank: int
    params: dict[str, Any]
    metadata: dict[str, Any]
    timeout_s: float
    idempotency_key: str | None
    request_hash: str | None
    created_at: datetime
    enqueued_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    result: Any
    error: str | None
    artifacts: list[dict[str, Any]]
    percent: float
    stage: str | None
    stage_index: int | None
    total_stages: int
    message: str | None
    eta_s: float | None
    last_seq: int
    attempt: int
    stage_durations: dict[str, float]
    worker_id: str | None
    callback_url: str | None

    @classmethod
    def of(cls, values: Mapping[Any, Any]) -> OperationRecord:
        """From the column values of an ``operations`` row (a Core result mapping)."""
        return cls(**values)

    def values(self) -> dict[str, Any]:
        """The column values (the inverse of :meth:`of`)."""
        return {name: getattr(self, name) for name in _FIELDS}


_FIELDS = tuple(f.name for f in fields(OperationRecord))
