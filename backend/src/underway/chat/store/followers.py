"""Progress followers' state: which chat hears about which operation, how far it got, and which
process follows it now (a claim renewed while it runs, taken over once it lapses)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, or_, select, update

from underway.chat.models import Channel
from underway.chat.store import reader, utcnow, writer
from underway.chat.tables import ChatFollowerRow


@dataclass
class Follower:
    operation_id: str
    session_id: str
    channel: Channel
    chat_id: str
    message_ref: str | None = None  # the Telegram message edited in place
    last_seq: int = 0  # the last event shown
    stage_index: int | None = None  # the last stage announced (WhatsApp milestones)
    workflow: str = ""  # not stored: read from the operation when following starts

    @classmethod
    def of(cls, row: ChatFollowerRow) -> Follower:
        return cls(
            row.operation_id,
            row.session_id,
            Channel(row.channel),
            row.chat_id,
            row.message_ref,
            row.last_seq,
            row.stage_index,
        )


class FollowerStore:
    def __init__(self, engine: AsyncEngine, owner: str, lease: timedelta) -> None:
        self._engine = engine
        self._owner = owner
        self._lease = lease

    async def add(self, follower: Follower) -> None:
        now = utcnow()
        async with writer(self._engine) as s:
            s.add(
                ChatFollowerRow(
                    operation_id=follower.operation_id,
                    session_id=follower.session_id,
                    channel=follower.channel.value,
                    chat_id=follower.chat_id,
                    message_ref=follower.message_ref,
                    last_seq=follower.last_seq,
                    stage_index=follower.stage_index,
                    claimed_by=self._owner,
                    claimed_until=now + self._lease,
                    created_at=now,
                )
            )
            await s.commit()

    async def save(self, follower: Follower) -> None:
        async with writer(self._engine) as s:
            await s.exec(
                update(ChatFollowerRow)
                .where(
                    col(ChatFollowerRow.operation_id) == follower.operation_id,
                    col(ChatFollowerRow.claimed_by) == self._owner,
                )
                .values(
                    message_ref=follower.message_ref,
                    last_seq=follower.last_seq,
                    stage_index=follower.stage_index,
                )
            )
            await s.commit()

    async def finish(self, operation_id: str) -> None:
        async with writer(self._engine) as s:
            await s.exec(
                update(ChatFollowerRow)
                .where(col(ChatFollowerRow.operation_id) == operation_id)
                .values(finished_at=utcnow(), claimed_by=None, claimed_until=None)
            )
            await s.commit()

    async def renew(self) -> None:
        """Extend this process's claims (every heartbeat)."""
        async with writer(self._engine) as s:
            await s.exec(
                update(ChatFollowerRow)
                .where(
                    col(ChatFollowerRow.claimed_by) == self._owner, col(ChatFollowerRow.finished_at).is_(None)
                )
                .values(claimed_until=utcnow() + self._lease)
            )
            await s.commit()

    async def claim_orphans(self, limit: int = 50) -> list[Follower]:
        """Unfinished followers nobody holds (released at a clean stop, or whose process stopped
        renewing): each taken by a compare-and-set, so one process wins each."""
        now = utcnow()
        orphaned = or_(col(ChatFollowerRow.claimed_until).is_(None), col(ChatFollowerRow.claimed_until) < now)
        async with reader(self._engine) as s:
            rows = (
                await s.exec(
                    select(ChatFollowerRow)
                    .where(col(ChatFollowerRow.finished_at).is_(None), orphaned)
                    .order_by(col(ChatFollowerRow.created_at))
                    .limit(limit)
                )
            ).all()
        claimed: list[Follower] = []
        for row in rows:
            async with writer(self._engine) as s:
                won = await s.exec(
                    update(ChatFollowerRow)
                    .where(
                        col(ChatFollowerRow.operation_id) == row.operation_id,
                        col(ChatFollowerRow.finished_at).is_(None),
                        orphaned,
                    )
                    .values(claimed_by=self._owner, claimed_until=now + self._lease)
                )
                await s.commit()
            if won.rowcount == 1:
                claimed.append(Follower.of(row))
        return claimed

    async def release(self) -> None:
        """Give up this process's claims at a clean stop, so another process (or the next start)
        resumes them at once."""
        async with writer(self._engine) as s:
            await s.exec(
                update(ChatFollowerRow)
                .where(
                    col(ChatFollowerRow.claimed_by) == self._owner, col(ChatFollowerRow.finished_at).is_(None)
                )
                .values(claimed_by=None, claimed_until=None)
            )
            await s.commit()
