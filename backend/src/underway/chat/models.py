"""Public views of the chat interfaces, shared by the core, the API and the web app's client."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from pydantic import Field

from underway.views import View


class Channel(StrEnum):
    TELEGRAM = "telegram"
    WHATSAPP = "whatsapp"
    WEB = "web"


class ChatRole(StrEnum):
    USER = "user"
    ASSISTANT = "assistant"


class ChatButton(View):
    """A button under a message; pressing it sends ``command`` as if it was typed."""

    label: str
    command: str


class ChatMessage(View):
    id: int
    role: ChatRole
    text: str
    buttons: list[ChatButton] = Field(default_factory=list)
    operation_ids: list[str] = Field(
        default_factory=list, description="Operations this message started (follow them live)."
    )
    created_at: datetime


class ChatSession(View):
    id: str
    channel: Channel
    title: str | None = Field(None, description="The session's first message, shortened.")
    created_at: datetime
    updated_at: datetime


class ChatSessionDetail(ChatSession):
    messages: list[ChatMessage]


class ChatExchange(View):
    """What one message produced: the stored message and the assistant's replies."""

    messages: list[ChatMessage]


class ChatLink(View):
    """A Telegram or WhatsApp chat that acts as an Underway user."""

    id: str
    channel: Channel
    chat_id: str
    display_name: str | None = None
    user_id: str
    username: str
    created_at: datetime


class LinkCode(View):
    code: str = Field(description="Send `/link CODE` to the bot; works once, until `expires_at`.")
    expires_at: datetime


class ChatChannels(View):
    """Which chat interfaces this server offers."""

    telegram: bool
    whatsapp: bool
    language_model: bool = Field(description="Free-text messages are understood by a language model.")


@dataclass(frozen=True)
class ChatUser:
    """Whom a chat acts for: operations are owned by ``username``."""

    id: str
    username: str


@dataclass(frozen=True)
class Inbound:
    channel: Channel
    chat_id: str
    text: str
    display_name: str | None = None


@dataclass
class Reply:
    text: str
    buttons: list[ChatButton] = field(default_factory=list)
    operation_id: str | None = None  # the operation this reply started: follow it


@dataclass
class Outcome:
    session_id: str
    messages: list[ChatMessage]  # the user's message, then the replies, as stored
    replies: list[Reply]
    user: ChatUser | None
