"""Reads and writes of webhook endpoints, signing secrets, deliveries and attempts.

Claiming: a delivery process takes due deliveries with a lease (``lease_token``, ``lease_until``);
PostgreSQL skips rows another process holds (``FOR UPDATE SKIP LOCKED``), SQLite has one writer at
a time. An outcome is recorded only under the lease it was claimed with, so a process whose lease
ran out (it hung, or died and came back) cannot overwrite a newer attempt. A crashed process's
deliveries are claimable again once their lease ends.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, delete, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from underway.store.engine import write_session
from underway.store.timeutil import as_utc, as_utc_or_none
from underway.webhooks.events import WebhookEventType
from underway.webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from underway.webhooks.outbox import DELIVERIES, ENDPOINTS
from underway.webhooks.tables import WebhookAttemptRow, WebhookSigningSecretRow

ATTEMPTS: Table = WebhookAttemptRow.__table__  # type: ignore[attr-defined]
SIGNING: Table = WebhookSigningSecretRow.__table__  # type: ignore[attr-defined]
_PENDING = DeliveryStatus.PENDING.value


@dataclass(frozen=True)
class Claimed:
    """A delivery taken for one attempt, with what it needs to be signed and sent."""

    id: str
    owner: str
    endpoint_id: str | None
    url: str | None  # None: its endpoint is gone
    payload: str
    remaining: int
    lease_token: str
    endpoint_enabled: bool
    sealed_secrets: tuple[str | None, str | None, datetime | None]  # endpoint's, if any


@dataclass(frozen=True)
class Outcome:
    """What an attempt leads to: ``status`` and, while pending, when to try again."""

    status: DeliveryStatus
    next_attempt_at: datetime | None
    # The endpoint: True healthy again, False failing, None not concerned (no endpoint, no answer
    # that says anything about it).
    endpoint_healthy: bool | None
    disable_reason: str | None = None


def endpoint_of(m: Any) -> WebhookEndpoint:
    return WebhookEndpoint(
        id=m["id"],
        owner=m["owner"],
        url=m["url"],
        description=m["description"],
        event_types=m["event_types"],
        enabled=m["enabled"],
        disabled_reason=m["disabled_reason"],
        failing_since=as_utc_or_none(m["failing_since"]),
        previous_secret_expires_at=as_utc_or_none(m["previous_secret_expires_at"]),
        created_at=as_utc(m["created_at"]),
        updated_at=as_utc(m["updated_at"]),
    )


def _delivery_of(m: Any) -> WebhookDelivery:
    status = DeliveryStatus(m["status"])
    return WebhookDelivery(
        id=m["id"],
        owner=m["owner"],
        endpoint_id=m["endpoint_id"],
        url=m["url"] or m["endpoint_url"] or "",
        operation_id=m["operation_id"],
        event_type=WebhookEventType(m["event_type"]),
        status=status,
        attempts=m["attempts"],
        next_attempt_at=as_utc(m["next_attempt_at"]) if status is DeliveryStatus.PENDING else None,
        last_status_code=m["last_status_code"],
        last_error=m["last_error"],
        created_at=as_utc(m["created_at"]),
        finished_at=as_utc_or_none(m["finished_at"]),
    )


_DELIVERY_VIEW = select(*DELIVERIES.c, ENDPOINTS.c.url.label("endpoint_url")).select_from(
    DELIVERIES.outerjoin(ENDPOINTS, ENDPOINTS.c.id == DELIVERIES.c.endpoint_id)
)


class WebhookRepository:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._postgres = engine.dialect.name == "postgresql"

    # -- endpoints -------------------------------------------------------------------------------

    async def insert_endpoint(self, values: dict[str, Any]) -> None:
        async with write_session(self._engine, AsyncSession) as s, s.begin():
            await s.execute(insert(ENDPOINTS).values(**values))

    async def endpoint_row(self, endpoint_id: str, owner: str | None) -> dict[str, Any] | None:
        stmt = select(ENDPOINTS).where(ENDPOINTS.c.id == endpoint_id)
        if owner is not None:
            stmt = stmt.where(ENDPOINTS.c.owner == owner)
        async with self._engine.connect() as conn:
            row = (await conn.execute(stmt)).mappings().first()
        return dict(row) if row is not None else None

    async def endpoints(self, owner: str | None) -> list[WebhookEndpoint]:
        stmt = select(ENDPOINTS).order_by(ENDPOINTS.c.created_at.desc(), ENDPOINTS.c.id)
        if owner is not None:
            stmt = stmt.where(ENDPOINTS.c.owner == owner)
        async with self._engine.connect() as conn:
            return [endpoint_of(m) for m in (await conn.execute(stmt)).mappings()]

    async def update_endpoint(self, endpoint_id: str, values: dict[str, Any]) -> None:
        async with write_session(self._engine, AsyncSession) as s, s.begin():
            await s.execute(update(ENDPOINTS).where(ENDPOINTS.c.id == endpoint_id).values(**values))
            if values.get("enabled") is False:
                await disable(s, endpoint_id, None, values["updated_at"])

    async def delete_endpoint(self, endpoint_id: str) -> None:
        """The endpoint and its delivery log."""
        async with write_session(self._engine, AsyncSession) as s, s.begin():
            ids = select(DELIVERIES.c.id).where(DELIVERIES.c.endpoint_id == endpoint_id)
            await s.execute(delete(ATTEMPTS).where(ATTEMPTS.c.delivery_id.in_(ids)))
            await s.execute(delete(DELIVERIES).where(DELIVERIES.c.endpoint_id == endpoint_id))
            await s.execute(delete(ENDPOINTS).where(ENDPOINTS.c.id == endpoint_id))

    # -- an owner's default signing secret (callback_url deliveries) -----------------------------

    async def signing_secret(self, owner: str) -> dict[str, Any] | None:
        async with self._engine.connect() as conn:
            row = (await conn.execute(select(SIGNING).where(SIGNING.c.owner == owner))).mappings().first()
        return dict(row) if row is not None else None

    async def put_signing_secret(self, values: dict[str, Any], *, only_if_absent: bool) -> None:
        ins = (pg_insert if self._postgres else sqlite_insert)(SIGNING).values(**values)
        if only_if_absent:
            stmt = ins.on_conflict_do_nothing(index_elements=["owner"])
        else:
            changed = {k: v for k, v in values.items() if k not in ("owner", "created_at")}
            stmt = ins.on_conflict_do_update(index_elements=["owner"], set_=changed)
        async with write_session(self._engine, AsyncSession) as s, s.begin():
            await s.execute(stmt)

    # -- deliveries ------------------------------------------------------------------------------

    async def insert_delivery(self, values: dict[str, Any]) -> None:
        async with write_session(self._engine, AsyncSession) as s, s.begin():
            await s.execute(insert(DELIVERIES).values(**values))

    async def deliveries(
        self,
        *,
        owner: str | None,
        endpoint_id: str | None = None,
        operation_id: str | None = None,
        status: DeliveryStatus | None = None,
        limit: int = 100,
    ) -> list[WebhookDelivery]:
        stmt = _DELIVERY_VIEW.order_by(DELIVERIES.c.created_at.desc(), DELIVERIES.c.id).limit(limit)
        for column, value in (
            (DELIVERIES.c.owner, owner),
            (DELIVERIES.c.endpoint_id, endpoint_id),
            (DELIVERIES.c.operation_id, operation_id),
            (DELIVERIES.c.status, status.value if status else None),
        ):
            if value is not None:
                stmt = stmt.where(column == value)
        async with self._engine.connect() as conn:
            return [_delivery_of(m) for m in (await conn.execute(stmt)).mappings()]

    async def delivery(self, delivery_id: str, owner: str | None) -> tuple[WebhookDelivery, str] | None:
        """The delivery and its payload."""
        stmt = _DELIVERY_VIEW.where(DELIVERIES.c.id == delivery_id)
        if owner is not None:
            stmt = stmt.where(DELIVERIES.c.owner == owner)
        async with self._engine.connect() as conn:
            row = (await conn.execute(stmt)).mappings().first()
        return None if row is None else (_delivery_of(row), row["payload"])

    async def attempts(self, delivery_id: str) -> list[WebhookAttempt]:
        stmt = select(ATTEMPTS).where(ATTEMPTS.c.delivery_id == delivery_id).order_by(ATTEMPTS.c.id)
        async with self._engine.connect() as conn:
            return [
                WebhookAttempt(
                    attempted_at=as_utc(m["attempted_at"]),
                    status_code=m["status_code"],
                    latency_ms=m["latency_ms"],
                    response_body=m["response_body"],
                    error=m["error"],
                )
                for m in (await conn.execute(stmt)).mappings()
            ]

    async def requeue(self, where: Any, now: datetime) -> int:
        """Deliveries matching ``where`` are sent once more, now (resend, replay): same id, one attempt."""
        async with write_session(self._engine, AsyncSession) as s, s.begin():
            result = await s.execute(
                update(DELIVERIES)
                .where(where)
                .values(status=_PENDING, remaining=1, next_attempt_at=now, finished_at=None)
                .returning(DELIVERIES.c.id)
            )
            return len(result.all())

    # -- the delivery loop -----------------------------------------------------------------------

    async def claim(self, now: datetime, lease_s: float, limit: int) -> list[Claimed]:
        token = str(uuid.uuid4())
        async with write_session(self._engine, AsyncSession) as s, s.begin():
            due = (
                select(DELIVERIES.c.id)
                .where(
                    DELIVERIES.c.status == _PENDING,
                    DELIVERIES.c.next_attempt_at <= now,
                    or_(DELIVERIES.c.lease_until.is_(None), DELIVERIES.c.lease_until < now),
                )
                .order_by(DELIVERIES.c.next_attempt_at)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
            ids = list((await s.execute(due)).scalars())
            if not ids:
                return []
            await s.execute(
                update(DELIVERIES)
                .where(DELIVERIES.c.id.in_(ids))
                .values(lease_token=token, lease_until=now + timedelta(seconds=lease_s))
            )
            rows = (
                await s.execute(
                    select(
                        DELIVERIES.c.id,
                        DELIVERIES.c.owner,
                        DELIVERIES.c.endpoint_id,
                        DELIVERIES.c.url,
                        DELIVERIES.c.payload,
                        DELIVERIES.c.remaining,
                        ENDPOINTS.c.id.label("found"),
                        ENDPOINTS.c.url.label("endpoint_url"),
                        ENDPOINTS.c.enabled,
                        ENDPOINTS.c.secret,
                        ENDPOINTS.c.previous_secret,
                        ENDPOINTS.c.previous_secret_expires_at,
                    )
                    .select_from(DELIVERIES.outerjoin(ENDPOINTS, ENDPOINTS.c.id == DELIVERIES.c.endpoint_id))
                    .where(DELIVERIES.c.id.in_(ids))
                )
            ).mappings()
            return [
                Claimed(
                    id=m["id"],
                    owner=m["owner"],
                    endpoint_id=m["endpoint_id"],
                    url=m["url"] if m["endpoint_id"] is None else m["endpoint_url"],
                    payload=m["payload"],
                    remaining=m["remaining"],
                    lease_token=token,
                    endpoint_enabled=m["endpoint_id"] is None or bool(m["enabled"]),
                    sealed_secrets=(
                        m["secret"],
                        m["previous_secret"],
                        as_utc_or_none(m["previous_secret_expires_at"]),
                    ),
                )
                for m in rows
            ]

    async def next_due(self) -> datetime | None:
        """When a pending delivery next becomes claimable (a held one: when its lease ends)."""
        pending = DELIVERIES.c.status == _PENDING
        async with self._engine.connect() as conn:
            free = await conn.scalar(
                select(func.min(DELIVERIES.c.next_attempt_at)).where(
                    pending, DELIVERIES.c.lease_until.is_(None)
                )
            )
            held = await conn.scalar(
                select(func.min(DELIVERIES.c.lease_until)).where(
                    pending, DELIVERIES.c.lease_until.is_not(None)
                )
            )
        return min((as_utc(t) for t in (free, held) if t is not None), default=None)

    async def record(
        self,
        claimed: Claimed,
        attempt: WebhookAttempt,
        outcome: Outcome,
        disable_after_s: float,
    ) -> None:
        """The attempt and its outcome, if the lease is still ours; the endpoint's health with it."""
        now = attempt.attempted_at
        async with write_session(self._engine, AsyncSession) as s, s.begin():
            done = outcome.status is not DeliveryStatus.PENDING
            result = await s.execute(
                update(DELIVERIES)
                .where(DELIVERIES.c.id == claimed.id, DELIVERIES.c.lease_token == claimed.lease_token)
                .values(
                    status=outcome.status.value,
                    attempts=DELIVERIES.c.attempts + 1,
                    remaining=claimed.remaining - 1 if outcome.status is DeliveryStatus.PENDING else 0,
                    next_attempt_at=outcome.next_attempt_at or now,
                    lease_token=None,
                    lease_until=None,
                    last_status_code=attempt.status_code,
                    last_error=attempt.error,
                    finished_at=now if done else None,
                )
                .returning(DELIVERIES.c.id)
            )
            if result.first() is None:
                return  # the lease ran out and someone else holds it now: their attempt counts
            await s.execute(insert(ATTEMPTS).values(delivery_id=claimed.id, **attempt.model_dump()))
            if claimed.endpoint_id is not None:
                await self._endpoint_health(s, claimed.endpoint_id, outcome, now, disable_after_s)

    async def _endpoint_health(
        self, s: AsyncSession, endpoint_id: str, outcome: Outcome, now: datetime, disable_after_s: float
    ) -> None:
        this = ENDPOINTS.c.id == endpoint_id
        if outcome.endpoint_healthy is True:
            await s.execute(
                update(ENDPOINTS)
                .where(this, ENDPOINTS.c.failing_since.is_not(None))
                .values(failing_since=None)
            )
            return
        if outcome.endpoint_healthy is None:
            return
        await s.execute(
            update(ENDPOINTS).where(this, ENDPOINTS.c.failing_since.is_(None)).values(failing_since=now)
        )
        reason = outcome.disable_reason
        if reason is None:
            cutoff = now - timedelta(seconds=disable_after_s)
            failing_long = await s.execute(
                select(ENDPOINTS.c.id).where(
                    this, ENDPOINTS.c.enabled.is_(True), ENDPOINTS.c.failing_since < cutoff
                )
            )
            if failing_long.first() is not None:
                reason = f"every delivery failed for more than {_duration(disable_after_s)}"
        if reason is not None:
            await disable(s, endpoint_id, reason, now)

    async def give_up(self, claimed: Claimed, reason: str, now: datetime) -> None:
        """Fail a claimed delivery without sending it (its endpoint was disabled or deleted)."""
        async with write_session(self._engine, AsyncSession) as s, s.begin():
            await s.execute(
                update(DELIVERIES)
                .where(DELIVERIES.c.id == claimed.id, DELIVERIES.c.lease_token == claimed.lease_token)
                .values(
                    status=DeliveryStatus.FAILED.value,
                    remaining=0,
                    last_error=reason,
                    finished_at=now,
                    lease_token=None,
                    lease_until=None,
                )
            )


async def disable(s: AsyncSession, endpoint_id: str, reason: str | None, now: datetime) -> None:
    """Disable an endpoint (``reason``: why, when not by its owner); its pending deliveries are
    given up at once, so the log says so and a replay after enabling it sends them."""
    await s.execute(
        update(ENDPOINTS)
        .where(ENDPOINTS.c.id == endpoint_id)
        .values(enabled=False, disabled_reason=reason, updated_at=now)
    )
    await s.execute(
        update(DELIVERIES)
        .where(DELIVERIES.c.endpoint_id == endpoint_id, DELIVERIES.c.status == _PENDING)
        .values(
            status=DeliveryStatus.FAILED.value,
            remaining=0,
            last_error="the endpoint was disabled" + (f": {reason}" if reason else ""),
            finished_at=now,
            lease_token=None,
            lease_until=None,
        )
    )


def _duration(seconds: float) -> str:
    if seconds >= 86400:
        return f"{seconds / 86400:g} days"
    if seconds >= 3600:
        return f"{seconds / 3600:g} hours"
    return f"{seconds:g} s"
