"""Reads and writes of the worker registry (the ``workers`` table)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, or_, select, update
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

    async def renew(self, worker_id: str, now: datetime, running: int) -> bool | None:
        """Move the heartbeat on and report the running count; returns whether the worker should
        drain, or None when its row is gone or marked stopped (it was presumed dead)."""
        async with write_session(self._engine, AsyncSession) as s, s.begin():
            result = await s.execute(
                update(_W)
                .where(col(_W.id) == worker_id, col(_W.stopped_at).is_(None))
                .values(heartbeat_at=now, running=running)
                .returning(col(_W.draining))
            )
            row = result.first()
            return None if row is None else bool(row[0])

    async def all(self) -> list[WorkerRow]:
        async with self._session() as s:
            return list((await s.execute(select(_W).order_by(col(_W.started_at)))).scalars())

    async def get(self, worker_id: str) -> WorkerRow | None:
        async with self._session() as s:
            return await s.get(_W, worker_id)

    async def set_draining(self, worker_id: str, draining: bool) -> bool:
        """Ask a worker to stop (or resume) claiming; False when there is no such worker."""
        async with write_session(self._engine, AsyncSession) as s, s.begin():
            result = await s.execute(
                update(_W).where(col(_W.id) == worker_id).values(draining=draining).returning(col(_W.id))
            )
            return result.first() is not None

    async def mark_stopped(self, worker_ids: Sequence[str], now: datetime) -> None:
        """Gone (a clean stop, or found dead): kept for the admin view, never claims again."""
        if not worker_ids:
            return
        async with write_session(self._engine, AsyncSession) as s, s.begin():
            await s.execute(
                update(_W)
                .where(col(_W.id).in_(list(worker_ids)), col(_W.stopped_at).is_(None))
                .values(stopped_at=now, running=0)
            )

    async def forget_stopped_before(self, cutoff: datetime) -> None:
        async with write_session(self._engine, AsyncSession) as s, s.begin():
            await s.execute(
                delete(_W).where(
                    or_(col(_W.stopped_at) < cutoff, col(_W.heartbeat_at) < cutoff),
                )
            )

    async def remove(self, worker_ids: Sequence[str]) -> None:
        if not worker_ids:
            return
        async with write_session(self._engine, AsyncSession) as s, s.begin():
            await s.execute(delete(_W).where(col(_W.id).in_(list(worker_ids))))
