"""WebSocket messages, discriminated by ``type``. Exported as JSON Schema to shared-schema/ws/.

Client to server: :class:`AuthMessage` (first, once), then only :class:`PingMessage`.
Server to client: one :class:`SnapshotMessage` (operation stream only), :class:`EventMessage` for
each event, :class:`PongMessage` answering a ping.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from underway.operations.models import Operation, OperationEvent

MAX_TOKEN_CHARS = 4096


class AuthMessage(BaseModel):
    """The first message of every connection: an access token or an API key."""

    model_config = ConfigDict(extra="forbid", title="AuthMessage")

    type: Literal["auth"]
    token: str = Field(min_length=1, max_length=MAX_TOKEN_CHARS)


class PingMessage(BaseModel):
    """Optional application-level keepalive; the server answers with a pong."""

    model_config = ConfigDict(extra="forbid", title="PingMessage")

    type: Literal["ping"]


class SnapshotMessage(BaseModel):
    """The operation as it stands when the stream starts (operation stream only, first message)."""

    model_config = ConfigDict(title="SnapshotMessage")

    type: Literal["snapshot"]
    operation: Operation


class EventMessage(BaseModel):
    """One event of the operation's log (``seq`` ascending; progress events may be coalesced for a
    client that falls behind, status, stage and log events never are)."""

    model_config = ConfigDict(title="EventMessage")

    type: Literal["event"]
    event: OperationEvent


class PongMessage(BaseModel):
    model_config = ConfigDict(title="PongMessage")

    type: Literal["pong"]


ClientMessage = Annotated[AuthMessage | PingMessage, Field(discriminator="type")]
ServerMessage = Annotated[SnapshotMessage | EventMessage | PongMessage, Field(discriminator="type")]
AnyMessage = Annotated[
    AuthMessage | PingMessage | SnapshotMessage | EventMessage | PongMessage, Field(discriminator="type")
]

# File name (without .json) of each message's schema in shared-schema/ws/.
MESSAGE_FILES: dict[str, type[BaseModel]] = {
    "auth": AuthMessage,
    "ping": PingMessage,
    "snapshot": SnapshotMessage,
    "event": EventMessage,
    "pong": PongMessage,
}
