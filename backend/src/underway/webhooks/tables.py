"""Tables of webhook endpoints, signing secrets, deliveries and attempts (Alembic revision 0005)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, Text
from sqlmodel import Field, SQLModel


def _ts(nullable: bool = True) -> Any:
    return Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=nullable))


def _text(nullable: bool = True) -> Any:
    return Field(default=None, sa_column=Column(Text, nullable=nullable))


class WebhookEndpointRow(SQLModel, table=True):
    __tablename__ = "webhook_endpoints"

    id: str = Field(primary_key=True, max_length=36)
    owner: str = Field(max_length=200, index=True)
    url: str = _text(nullable=False)
    description: str = _text(nullable=False)
    event_types: list[str] = Field(sa_column=Column(JSON, nullable=False))
    enabled: bool = True
    disabled_reason: str | None = _text()
    # Sealed (see secret_box.py). During a rotation's overlap the previous one signs as well.
    secret: str = _text(nullable=False)
    previous_secret: str | None = _text()
    previous_secret_expires_at: datetime | None = _ts()
    # Set by the first failed delivery after a success; an endpoint failing for long is disabled.
    failing_since: datetime | None = _ts()
    created_at: datetime = _ts(nullable=False)
    updated_at: datetime = _ts(nullable=False)


class WebhookSigningSecretRow(SQLModel, table=True):
    """An owner's default secret, which signs the one-off ``callback_url`` deliveries."""

    __tablename__ = "webhook_signing_secrets"

    owner: str = Field(primary_key=True, max_length=200)
    secret: str = _text(nullable=False)
    previous_secret: str | None = _text()
    previous_secret_expires_at: datetime | None = _ts()
    created_at: datetime = _ts(nullable=False)


class WebhookDeliveryRow(SQLModel, table=True):
    """One event for one receiver (the outbox): its id is the ``webhook-id`` of every attempt."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_endpoint", "endpoint_id", "created_at"),
        Index("ix_webhook_deliveries_owner", "owner", "created_at"),
    )

    id: str = Field(primary_key=True, max_length=40)
    owner: str = Field(max_length=200)
    endpoint_id: str | None = Field(default=None, max_length=36)  # None: a callback_url
    url: str | None = _text()  # the callback_url (endpoints' deliveries go to the endpoint's URL)
    operation_id: str | None = Field(default=None, max_length=36, index=True)
    event_type: str = Field(max_length=40)
    payload: str = _text(nullable=False)
    status: str = Field(max_length=12)  # pending, succeeded, failed
    attempts: int = 0
    remaining: int = 0  # attempts left before it is given up
    next_attempt_at: datetime = _ts(nullable=False)
    lease_token: str | None = Field(default=None, max_length=36)
    lease_until: datetime | None = _ts()
    last_status_code: int | None = None
    last_error: str | None = _text()
    created_at: datetime = _ts(nullable=False)
    finished_at: datetime | None = _ts()


class WebhookAttemptRow(SQLModel, table=True):
    __tablename__ = "webhook_attempts"

    id: int | None = Field(default=None, primary_key=True)
    delivery_id: str = Field(max_length=40, index=True)
    attempted_at: datetime = _ts(nullable=False)
    status_code: int | None = None
    latency_ms: int = 0
    response_body: str | None = _text()
    error: str | None = _text()
