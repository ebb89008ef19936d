"""Account links: one-time link codes (hashed at rest) and the chats they link to users."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, delete, select, update

from underway.auth.tables import UserRow
from underway.chat.models import Channel, ChatLink, ChatUser, LinkCode
from underway.chat.store import reader, utcnow, writer
from underway.chat.tables import ChatLinkCodeRow, ChatLinkRow
from underway.store.timeutil import as_utc

# No 0/O, 1/I/L: codes are read off a screen and typed on a phone.
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


class LinkNotFound(LookupError):
    def __init__(self, link_id: str) -> None:
        super().__init__(f"Chat link '{link_id}' not found")
        self.link_id = link_id


def hash_code(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def _to_link(row: ChatLinkRow, username: str) -> ChatLink:
    return ChatLink(
        id=row.id,
        channel=Channel(row.channel),
        chat_id=row.chat_id,
        display_name=row.display_name,
        user_id=row.user_id,
        username=username,
        created_at=as_utc(row.created_at),
    )


class LinkStore:
    def __init__(self, engine: AsyncEngine, code_ttl_s: int) -> None:
        self._engine = engine
        self._ttl = timedelta(seconds=code_ttl_s)

    async def new_code(self, user_id: str) -> LinkCode:
        """A fresh one-time code; the user's earlier unused codes stop working."""
        code = "".join(secrets.choice(_ALPHABET) for _ in range(CODE_LENGTH))
        now = utcnow()
        expires = now + self._ttl
        async with writer(self._engine) as s:
            await s.exec(
                delete(ChatLinkCodeRow).where(
                    col(ChatLinkCodeRow.user_id) == user_id, col(ChatLinkCodeRow.used_at).is_(None)
                )
            )
            s.add(
                ChatLinkCodeRow(
                    code_hash=hash_code(code), user_id=user_id, created_at=now, expires_at=expires
                )
            )
            await s.commit()
        return LinkCode(code=code, expires_at=expires)

    async def redeem(
        self, code: str, channel: Channel, chat_id: str, display_name: str | None
    ) -> ChatUser | None:
        """Link the chat to the code's user, using the code up; None for an unknown, used or expired
        code. The code is spent by a compare-and-set, so two chats racing with it cannot both win."""
        digest = hash_code(code)
        now = utcnow()
        async with writer(self._engine) as s:
            spent = await s.exec(
                update(ChatLinkCodeRow)
                .where(
                    col(ChatLinkCodeRow.code_hash) == digest,
                    col(ChatLinkCodeRow.used_at).is_(None),
                    col(ChatLinkCodeRow.expires_at) > now,
                )
                .values(used_at=now)
            )
            if spent.rowcount != 1:
                await s.rollback()
                return None
            found = (
                await s.exec(
                    select(UserRow)
                    .join(ChatLinkCodeRow, col(ChatLinkCodeRow.user_id) == col(UserRow.id))
                    .where(ChatLinkCodeRow.code_hash == digest)
                )
            ).one()
            if found.disabled:
                await s.rollback()
                return None
            await s.exec(
                delete(ChatLinkRow).where(
                    col(ChatLinkRow.channel) == channel.value, col(ChatLinkRow.chat_id) == chat_id
                )
            )
            s.add(
                ChatLinkRow(
                    id=str(uuid.uuid4()),
                    channel=channel.value,
                    chat_id=chat_id,
                    user_id=found.id,
                    display_name=(display_name or "")[:200] or None,
                    created_at=now,
                )
            )
            await s.commit()
        return ChatUser(found.id, found.username)

    async def user_of(self, channel: Channel, chat_id: str) -> ChatUser | None:
        """The enabled user this chat is linked to (read on every message: unlinking, revoking or
        disabling the account takes effect at once)."""
        async with reader(self._engine) as s:
            found = (
                await s.exec(
                    select(UserRow)
                    .join(ChatLinkRow, col(ChatLinkRow.user_id) == col(UserRow.id))
                    .where(ChatLinkRow.channel == channel.value, ChatLinkRow.chat_id == chat_id)
                )
            ).first()
        if found is None or found.disabled:
            return None
        return ChatUser(found.id, found.username)

    async def unlink_chat(self, channel: Channel, chat_id: str) -> bool:
        async with writer(self._engine) as s:
            gone = await s.exec(
                delete(ChatLinkRow).where(
                    col(ChatLinkRow.channel) == channel.value, col(ChatLinkRow.chat_id) == chat_id
                )
            )
            await s.commit()
        return bool(gone.rowcount)

    async def links(self, user_id: str | None = None) -> list[ChatLink]:
        """A user's links, or (None) everyone's for administrators."""
        query = select(ChatLinkRow, UserRow).join(UserRow, col(UserRow.id) == col(ChatLinkRow.user_id))
        if user_id is not None:
            query = query.where(ChatLinkRow.user_id == user_id)
        async with reader(self._engine) as s:
            rows = (await s.exec(query.order_by(col(ChatLinkRow.created_at), col(ChatLinkRow.id)))).all()
        return [_to_link(link, user.username) for link, user in rows]

    async def remove(self, link_id: str, user_id: str | None = None) -> None:
        """Delete a link; with ``user_id``, only one of that user's (another's is not found)."""
        query = delete(ChatLinkRow).where(col(ChatLinkRow.id) == link_id)
        if user_id is not None:
            query = query.where(col(ChatLinkRow.user_id) == user_id)
        async with writer(self._engine) as s:
            gone = await s.exec(query)
            await s.commit()
        if not gone.rowcount:
            raise LinkNotFound(link_id)
