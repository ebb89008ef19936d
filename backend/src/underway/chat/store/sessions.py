"""Chat sessions and their messages."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, delete, select, update

from underway.chat.models import Channel, ChatButton, ChatMessage, ChatRole, ChatSession
from underway.chat.store import reader, utcnow, writer
from underway.chat.tables import ChatFollowerRow, ChatMessageRow, ChatSessionRow
from underway.store.timeutil import as_utc

TITLE_MAX = 80


class SessionNotFound(LookupError):
    def __init__(self, session_id: str) -> None:
        super().__init__(f"Chat session '{session_id}' not found")
        self.session_id = session_id


def to_session(row: ChatSessionRow) -> ChatSession:
    return ChatSession(
        id=row.id,
        channel=Channel(row.channel),
        title=row.title,
        created_at=as_utc(row.created_at),
        updated_at=as_utc(row.updated_at),
    )


def to_message(row: ChatMessageRow) -> ChatMessage:
    assert row.id is not None
    return ChatMessage(
        id=row.id,
        role=ChatRole(row.role),
        text=row.text,
        buttons=[ChatButton.model_validate(b) for b in row.buttons],
        operation_ids=list(row.operation_ids),
        created_at=as_utc(row.created_at),
    )


def title_of(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= TITLE_MAX else line[: TITLE_MAX - 1] + "…"


class SessionStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def for_chat(self, channel: Channel, chat_id: str) -> ChatSessionRow:
        """The chat's session, created on its first message (concurrent first messages: one wins)."""
        for _ in range(2):
            async with reader(self._engine) as s:
                found = (
                    await s.exec(
                        select(ChatSessionRow).where(
                            ChatSessionRow.channel == channel.value, ChatSessionRow.chat_id == chat_id
                        )
                    )
                ).first()
            if found is not None:
                return found
            try:
                return await self._insert(channel, chat_id, None)
            except IntegrityError:
                continue  # created meanwhile: read it
        raise RuntimeError("could not create the chat session")

    async def create_web(self, user_id: str) -> ChatSessionRow:
        session_id = str(uuid.uuid4())
        return await self._insert(Channel.WEB, session_id, user_id, session_id)

    async def _insert(
        self, channel: Channel, chat_id: str, user_id: str | None, session_id: str | None = None
    ) -> ChatSessionRow:
        now = utcnow()
        row = ChatSessionRow(
            id=session_id or str(uuid.uuid4()),
            channel=channel.value,
            chat_id=chat_id,
            user_id=user_id,
            state={},
            created_at=now,
            updated_at=now,
        )
        async with writer(self._engine) as s:
            s.add(row)
            await s.commit()
        return row

    async def web_session(self, session_id: str, user_id: str) -> ChatSessionRow:
        """One of the user's web sessions; anyone else's is reported as not found."""
        async with reader(self._engine) as s:
            row = await s.get(ChatSessionRow, session_id)
        if row is None or row.channel != Channel.WEB.value or row.user_id != user_id:
            raise SessionNotFound(session_id)
        return row

    async def web_sessions(self, user_id: str, limit: int = 50) -> list[ChatSession]:
        async with reader(self._engine) as s:
            rows = (
                await s.exec(
                    select(ChatSessionRow)
                    .where(ChatSessionRow.user_id == user_id, ChatSessionRow.channel == Channel.WEB.value)
                    .order_by(col(ChatSessionRow.updated_at).desc(), col(ChatSessionRow.id))
                    .limit(limit)
                )
            ).all()
        return [to_session(r) for r in rows]

    async def delete_web(self, session_id: str, user_id: str) -> None:
        await self.web_session(session_id, user_id)
        async with writer(self._engine) as s:
            await s.exec(delete(ChatFollowerRow).where(col(ChatFollowerRow.session_id) == session_id))
            await s.exec(delete(ChatMessageRow).where(col(ChatMessageRow.session_id) == session_id))
            await s.exec(delete(ChatSessionRow).where(col(ChatSessionRow.id) == session_id))
            await s.commit()

    async def messages(self, session_id: str, limit: int = 500) -> list[ChatMessage]:
        """The newest ``limit`` messages, oldest first."""
        async with reader(self._engine) as s:
            rows = (
                await s.exec(
                    select(ChatMessageRow)
                    .where(ChatMessageRow.session_id == session_id)
                    .order_by(col(ChatMessageRow.id).desc())
                    .limit(limit)
                )
            ).all()
        return [to_message(r) for r in reversed(rows)]

    async def record(
        self,
        session: ChatSessionRow,
        entries: Sequence[tuple[ChatRole, str, list[ChatButton], list[str]]],
        *,
        user_id: str | None,
        state: dict[str, Any],
        inbound_at: datetime | None = None,
    ) -> list[ChatMessage]:
        """Store messages and the session's new state in one transaction."""
        now = utcnow()
        rows = [
            ChatMessageRow(
                session_id=session.id,
                role=role.value,
                text=text,
                buttons=[b.model_dump() for b in buttons],
                operation_ids=ops,
                created_at=now,
            )
            for role, text, buttons, ops in entries
        ]
        values: dict[str, Any] = {"updated_at": now, "state": state, "user_id": user_id}
        if session.title is None and entries:
            values["title"] = session.title = title_of(entries[0][1])
        if inbound_at is not None:
            values["last_inbound_at"] = inbound_at
        async with writer(self._engine) as s:
            s.add_all(rows)
            await s.exec(update(ChatSessionRow).where(col(ChatSessionRow.id) == session.id).values(**values))
            await s.commit()  # the rows' ids are set by the insert
        session.state = state
        return [to_message(r) for r in rows]

    async def append(self, session_id: str, text: str) -> None:
        """An assistant message outside an exchange (a follower's final summary)."""
        now = utcnow()
        async with writer(self._engine) as s:
            s.add(
                ChatMessageRow(
                    session_id=session_id, role=ChatRole.ASSISTANT.value, text=text, created_at=now
                )
            )
            await s.exec(
                update(ChatSessionRow).where(col(ChatSessionRow.id) == session_id).values(updated_at=now)
            )
            await s.commit()

    async def last_inbound_at(self, session_id: str) -> datetime | None:
        async with reader(self._engine) as s:
            row = await s.get(ChatSessionRow, session_id)
        return None if row is None or row.last_inbound_at is None else as_utc(row.last_inbound_at)
