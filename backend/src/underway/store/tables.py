"""Database tables. The schema is owned by Alembic (``store/migrations``); keep both in step."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Column, DateTime, Index, Text, UniqueConstraint, false
from sqlmodel import Field, SQLModel


def _ts(nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=nullable, index=index))


def _text() -> Any:
    # Unbounded text, as the migrations create it (SQLModel's default str is an unsized VARCHAR).
    return Field(default=None, sa_column=Column(Text, nullable=True))


class OperationRow(SQLModel, table=True):
    __tablename__ = "operations"
    __table_args__ = (
        UniqueConstraint("owner", "idempotency_key", name="uq_operations_owner_idempotency_key"),
        Index("ix_operations_queue", "status", "priority_rank", "enqueued_at", "id"),
        Index("ix_operations_owner_created", "owner", "created_at", "id"),
        Index("ix_operations_created", "created_at", "id"),
        Index("ix_operations_workflow_finished", "workflow", "status", "finished_at"),
        Index("ix_operations_owner_status", "owner", "status"),
        Index("ix_operations_finished", "finished_at"),
        Index("ix_operations_owner_finished", "owner", "finished_at"),
    )

    id: str = Field(primary_key=True, max_length=36)
    workflow: str = Field(max_length=200)
    owner: str = Field(max_length=200)
    status: str = Field(max_length=20)
    priority: str = Field(max_length=10)
    priority_rank: int
    params: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    user_metadata: dict[str, Any] = Field(sa_column=Column("metadata", JSON, nullable=False))
    timeout_s: float
    idempotency_key: str | None = Field(default=None, max_length=200)
    request_hash: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    enqueued_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    started_at: datetime | None = _ts()
    finished_at: datetime | None = _ts()
    result: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    error: str | None = _text()
    artifacts: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    percent: float = 0.0
    stage: str | None = Field(default=None, max_length=100)
    stage_index: int | None = None
    total_stages: int = 0
    message: str | None = _text()
    eta_s: float | None = None
    last_seq: int = 0
    attempt: int = 1
    stage_durations: dict[str, float] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # Running or cancelling: the worker that claimed it (its lease decides whether it is still alive).
    # Queued: the only worker allowed to claim it (`underway run` keeps its own operation), or NULL
    # for anyone. Finished: the worker that ran it, kept for the record. NULL on rows older than 0003.
    worker_id: str | None = Field(default=None, max_length=36, index=True)
    # A one-off completion webhook given at submission (0005); signed with the owner's secret.
    callback_url: str | None = _text()


class EventRow(SQLModel, table=True):
    __tablename__ = "operation_events"

    operation_id: str = Field(primary_key=True, foreign_key="operations.id", max_length=36)
    seq: int = Field(primary_key=True)
    type: str = Field(max_length=10)
    status: str = Field(max_length=20)
    stage: str | None = Field(default=None, max_length=100)
    stage_index: int | None = None
    total_stages: int = 0
    percent: float = 0.0
    message: str | None = _text()
    eta_s: float | None = None
    level: str | None = Field(default=None, max_length=10)
    ts: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class WorkerRow(SQLModel, table=True):
    """A worker process in the registry, and its lease: renewed every heartbeat; ``stopped_at`` is
    set at a clean stop or once it is found gone (kept for the admin view until deregistered)."""

    __tablename__ = "workers"

    id: str = Field(primary_key=True, max_length=36)
    hostname: str = Field(max_length=255)
    pid: int
    started_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    heartbeat_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    role: str = Field(default="all", max_length=20)
    version: str = Field(default="", max_length=40)
    capacity: int = 0
    running: int = 0
    workflows: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    capabilities: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    draining: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    stopped_at: datetime | None = _ts()


class UserSlotRow(SQLModel, table=True):
    """Operations an owner has running or cancelling, kept in step by claims and settlements."""

    __tablename__ = "user_slots"

    owner: str = Field(primary_key=True, max_length=200)
    running: int = 0
