"""Tables of the chat interfaces. Alembic revision 0006 creates them; keep both in step."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def _ts(nullable: bool = True) -> Any:
    return Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=nullable))


class ChatSessionRow(SQLModel, table=True):
    """One conversation: a Telegram or WhatsApp chat, or one of a user's web chats.

    ``state`` holds the dialogue in progress (a run waiting for a missing parameter, a language
    model's proposal waiting for confirmation), so it survives restarts and other processes."""

    __tablename__ = "chat_sessions"
    __table_args__ = (
        UniqueConstraint("channel", "chat_id", name="uq_chat_sessions_channel_chat"),
        Index("ix_chat_sessions_user_channel_updated", "user_id", "channel", "updated_at"),
    )

    id: str = Field(primary_key=True, max_length=36)
    channel: str = Field(max_length=16)
    chat_id: str = Field(max_length=100)
    user_id: str | None = Field(default=None, foreign_key="users.id", max_length=36)
    title: str | None = Field(default=None, max_length=200)
    state: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # WhatsApp may only be answered freely within 24 hours of the user's last message.
    last_inbound_at: datetime | None = _ts()
    created_at: datetime = _ts(nullable=False)
    updated_at: datetime = _ts(nullable=False)


class ChatMessageRow(SQLModel, table=True):
    __tablename__ = "chat_messages"
    __table_args__ = (Index("ix_chat_messages_session_id", "session_id", "id"),)

    # A sequence, so a session's messages have one order even within the same millisecond.
    id: int | None = Field(default=None, primary_key=True)
    session_id: str = Field(foreign_key="chat_sessions.id", max_length=36)
    role: str = Field(max_length=10)
    text: str = Field(sa_column=Column(Text, nullable=False))
    buttons: list[dict[str, str]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    operation_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = _ts(nullable=False)


class ChatLinkRow(SQLModel, table=True):
    """A Telegram or WhatsApp chat acting as an Underway user."""

    __tablename__ = "chat_links"
    __table_args__ = (UniqueConstraint("channel", "chat_id", name="uq_chat_links_channel_chat"),)

    id: str = Field(primary_key=True, max_length=36)
    channel: str = Field(max_length=16)
    chat_id: str = Field(max_length=100)
    user_id: str = Field(foreign_key="users.id", index=True, max_length=36)
    display_name: str | None = Field(default=None, max_length=200)
    created_at: datetime = _ts(nullable=False)


class ChatLinkCodeRow(SQLModel, table=True):
    """A one-time link code, stored as its SHA-256 only."""

    __tablename__ = "chat_link_codes"

    code_hash: str = Field(primary_key=True, max_length=64)
    user_id: str = Field(foreign_key="users.id", index=True, max_length=36)
    created_at: datetime = _ts(nullable=False)
    expires_at: datetime = _ts(nullable=False)
    used_at: datetime | None = _ts()


class ChatInboundRow(SQLModel, table=True):
    """Updates already taken (Telegram ``update_id``, WhatsApp ``wamid``): the primary key makes a
    redelivery, even a concurrent one in another process, fail to insert and so be ignored."""

    __tablename__ = "chat_inbound"

    channel: str = Field(primary_key=True, max_length=16)
    external_id: str = Field(primary_key=True, max_length=200)
    received_at: datetime = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=False, index=True)
    )


class ChatFollowerRow(SQLModel, table=True):
    """Who tells a chat about an operation's progress, and how far it got: a follower resumes from
    here after a restart, in whichever API process claims it first."""

    __tablename__ = "chat_followers"

    operation_id: str = Field(primary_key=True, foreign_key="operations.id", max_length=36)
    session_id: str = Field(foreign_key="chat_sessions.id", index=True, max_length=36)
    channel: str = Field(max_length=16)
    chat_id: str = Field(max_length=100)
    message_ref: str | None = Field(default=None, max_length=100)
    last_seq: int = 0
    stage_index: int | None = None
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_until: datetime | None = _ts()
    finished_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True, index=True)
    )
    created_at: datetime = _ts(nullable=False)
