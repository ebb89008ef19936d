"""Reads and writes of triggers and their recent-deliveries log."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from underway.store.engine import write_session
from underway.store.timeutil import as_utc
from underway.triggers.models import TriggerDelivery, TriggerDeliveryOutcome
from underway.triggers.tables import TriggerDeliveryRow, TriggerRow

TRIGGERS: Table = TriggerRow.__table__  # type: ignore[attr-defined]
LOG: Table = TriggerDeliveryRow.__table__  # type: ignore[attr-defined]
KEEP_DELIVERIES = 100  # per trigger


class TriggerRepository:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def insert(self, values: dict[str, Any]) -> None:
        async with write_session(self._engine, AsyncSession) as s, s.begin():
            await s.execute(insert(TRIGGERS).values(**values))

    async def row(self, trigger_id: str, owner: str | None = None) -> dict[str, Any] | None:
        stmt = select(TRIGGERS).where(TRIGGERS.c.id == trigger_id)
        if owner is not None:
            stmt = stmt.where(TRIGGERS.c.owner == owner)
        async with self._engine.connect() as conn:
            found = (await conn.execute(stmt)).mappings().first()
        return dict(found) if found is not None else None

    async def rows(self, owner: str | None) -> list[dict[str, Any]]:
        stmt = select(TRIGGERS).order_by(TRIGGERS.c.created_at.desc(), TRIGGERS.c.id)
        if owner is not None:
            stmt = stmt.where(TRIGGERS.c.owner == owner)
        async with self._engine.connect() as conn:
            return [dict(m) for m in (await conn.execute(stmt)).mappings()]

    async def update(self, trigger_id: str, values: dict[str, Any]) -> None:
        async with write_session(self._engine, AsyncSession) as s, s.begin():
            await s.execute(update(TRIGGERS).where(TRIGGERS.c.id == trigger_id).values(**values))

    async def delete(self, trigger_id: str) -> None:
        async with write_session(self._engine, AsyncSession) as s, s.begin():
            await s.execute(delete(LOG).where(LOG.c.trigger_id == trigger_id))
            await s.execute(delete(TRIGGERS).where(TRIGGERS.c.id == trigger_id))

    async def log(self, values: dict[str, Any]) -> None:
        """Record a delivery and forget all but the newest KEEP_DELIVERIES of the trigger."""
        trigger_id = values["trigger_id"]
        async with write_session(self._engine, AsyncSession) as s, s.begin():
            await s.execute(insert(LOG).values(**values))
            oldest_kept = (
                select(LOG.c.id)
                .where(LOG.c.trigger_id == trigger_id)
                .order_by(LOG.c.id.desc())
                .offset(KEEP_DELIVERIES - 1)
                .limit(1)
                .scalar_subquery()
            )
            await s.execute(delete(LOG).where(LOG.c.trigger_id == trigger_id, LOG.c.id < oldest_kept))

    async def deliveries(self, trigger_id: str, limit: int) -> list[TriggerDelivery]:
        stmt = select(LOG).where(LOG.c.trigger_id == trigger_id).order_by(LOG.c.id.desc()).limit(limit)
        async with self._engine.connect() as conn:
            return [
                TriggerDelivery(
                    received_at=as_utc(m["received_at"]),
                    delivery_id=m["delivery_id"],
                    status_code=m["status_code"],
                    outcome=TriggerDeliveryOutcome(m["outcome"]),
                    detail=m["detail"],
                    operation_id=m["operation_id"],
                )
                for m in (await conn.execute(stmt)).mappings()
            ]
