"""Tables of inbound triggers and their recent deliveries (Alembic revision 0005)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, Text
from sqlmodel import Field, SQLModel


def _ts(nullable: bool = True) -> Any:
    return Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=nullable))


class TriggerRow(SQLModel, table=True):
    __tablename__ = "triggers"

    id: str = Field(primary_key=True, max_length=64)  # in the URL: unguessable
    owner: str = Field(max_length=200, index=True)
    name: str = Field(max_length=100)
    workflow: str = Field(max_length=200)
    scheme: str = Field(max_length=20)
    secret: str = Field(sa_column=Column(Text, nullable=False))  # sealed (webhooks/secret_box.py)
    fixed_params: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    params_mapping: dict[str, str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    enabled: bool = True
    created_at: datetime = _ts(nullable=False)
    updated_at: datetime = _ts(nullable=False)


class TriggerDeliveryRow(SQLModel, table=True):
    """A call of a trigger's URL, accepted or refused (the most recent ones are kept)."""

    __tablename__ = "trigger_deliveries"
    __table_args__ = (Index("ix_trigger_deliveries_trigger", "trigger_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    trigger_id: str = Field(max_length=64)
    received_at: datetime = _ts(nullable=False)
    delivery_id: str | None = Field(default=None, max_length=200)
    status_code: int
    outcome: str = Field(max_length=20)  # accepted, duplicate, rejected
    detail: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    operation_id: str | None = Field(default=None, max_length=36)
