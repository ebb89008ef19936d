"""Reads and writes of worker leases (the ``workers`` table)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlmodel import col

from underway.store.engine import write_session
from underway.store.tables import WorkerRow

_W = WorkerRow


class WorkerRepository:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._session = async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)

    async def register(self, worker: WorkerRow) -> None:
        async with write_session(self._engine, AsyncSession) as s, s.begin():
            await s.merge(worker)

    async def renew(self, worker_id: str, now: datetime) -> bool:
        """Move the heartbeat on; False when the row is gone (another worker presumed this one dead)."""
        async with write_session(self._engine, AsyncSession) as s, s.begin():
            result = await s.execute(
                update(_W).where(col(_W.id) == worker_id).values(heartbeat_at=now).returning(col(_W.id))
            )
            return result.first() is not None

    async def all(self) -> list[WorkerRow]:
        async with self._session() as s:
            return list((await s.execute(select(_W))).scalars())

    async def get(self, worker_id: str) -> WorkerRow | None:
        async with self._session() as s:
            return await s.get(_W, worker_id)

    async def remove(self, worker_ids: Sequence[str]) -> None:
        if not worker_ids:
            return
        async with write_session(self._engine, AsyncSession) as s, s.begin():
            await s.execute(delete(_W).where(col(_W.id).in_(list(worker_ids))))
