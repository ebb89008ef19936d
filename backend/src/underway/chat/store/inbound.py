"""Dedupe of inbound updates: Telegram and Meta redeliver what they think was not received."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, delete

from underway.chat.models import Channel
from underway.chat.store import utcnow, writer
from underway.chat.tables import ChatInboundRow

# Telegram keeps undelivered updates for 24 hours and Meta retries for up to 7 days.
KEEP = timedelta(days=8)


class InboundLog:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def first_time(self, channel: Channel, external_id: str) -> bool:
        """Record the update; False when it was already taken (here or in another process). The
        primary key decides, so two concurrent deliveries cannot both pass."""
        try:
            async with writer(self._engine) as s:
                s.add(
                    ChatInboundRow(channel=channel.value, external_id=external_id[:200], received_at=utcnow())
                )
                await s.commit()
        except IntegrityError:
            return False
        return True

    async def forget_old(self) -> int:
        async with writer(self._engine) as s:
            gone = await s.exec(
                delete(ChatInboundRow).where(col(ChatInboundRow.received_at) < utcnow() - KEEP)
            )
            await s.commit()
        return int(gone.rowcount or 0)
