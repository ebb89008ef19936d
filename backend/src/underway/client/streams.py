"""Following an operation live over ``/operations/{id}/stream``, resuming by ``seq`` after a drop.

:class:`StreamCursor` holds the protocol and the resume logic without doing any I/O; the sync and
async clients connect, send and receive with it. The protocol: after connecting, send
``{"type": "auth", "token": ...}``; the server answers ``{"type": "snapshot", "operation": ...}`` and
then ``{"type": "event", "event": ...}`` messages in ``seq`` order, and closes with 1000 after the
terminal event. Closing with 4401/4403/4404 means unauthenticated/forbidden/not found.

After any other disconnection the cursor reconnects with ``after_seq`` = the last ``seq`` it saw,
so the events continue without a gap or a duplicate. Reconnects back off exponentially; a run of
failed reconnects longer than ``max_reconnects`` (with no event in between) raises
:class:`~underway.client.errors.StreamError`.

``/admin/stream`` (every operation's status, stage and progress events, administrators only) has
the same handshake but no snapshot, no replay and no end: :func:`admin_event` reads its messages and
:func:`admin_stream_ended` says what its end means. It is not resumed, since what was missed cannot
be replayed: the caller reloads over REST and opens it again.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from urllib.parse import quote

from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

from underway.client.errors import (
    AuthenticationError,
    NotFound,
    PermissionDenied,
    StreamError,
    UnderwayAPIError,
    error_class,
)
from underway.operations.models import EventType, Operation, OperationEvent

CLOSE_NORMAL = 1000
ADMIN_STREAM_PATH = "/admin/stream"
# Closes that a reconnect would not cure.
CLOSE_CODES: dict[int, type[UnderwayAPIError]] = {
    1008: StreamError,  # policy violation: this client sent something the server does not accept
    1009: StreamError,  # message too big
    4401: AuthenticationError,
    4403: PermissionDenied,
    4404: NotFound,
}


def is_terminal(event: OperationEvent) -> bool:
    return event.type is EventType.STATUS and event.status.is_terminal


@dataclass
class Disconnect:
    """How a connection ended: the close code the server sent, an HTTP status if the handshake was
    refused, or the error that broke it."""

    code: int | None = None
    reason: str = ""
    http_status: int | None = None
    error: BaseException | None = None

    def describe(self) -> str:
        if self.http_status is not None:
            return f"handshake refused with HTTP {self.http_status}"
        if self.code is not None:
            return f"closed with code {self.code}" + (f" ({self.reason})" if self.reason else "")
        if self.error is not None:
            return f"{type(self.error).__name__}: {self.error}".rstrip(": ")
        return "connection ended"


def disconnect_of(exc: Exception) -> Disconnect:
    """What a WebSocket error says about the connection; anything else is re-raised as it is."""
    if isinstance(exc, ConnectionClosed):
        return Disconnect(
            code=exc.rcvd.code if exc.rcvd else None, reason=exc.rcvd.reason if exc.rcvd else "", error=exc
        )
    if isinstance(exc, InvalidStatus):
        return Disconnect(http_status=exc.response.status_code, error=exc)
    if isinstance(exc, OSError | InvalidHandshake | TimeoutError):
        return Disconnect(error=exc)
    raise exc


def auth_message(token: str | None) -> str:
    """The first message of every stream."""
    return json.dumps({"type": "auth", "token": token or ""})


def final_error(how: Disconnect, stream: str) -> UnderwayAPIError | None:
    """The error for a disconnection that reconnecting would not cure (refused, not found, a
    protocol violation), or None when it is worth reconnecting."""
    if how.code in CLOSE_CODES:
        return CLOSE_CODES[how.code](f"{stream}: {how.describe()}", status=None)
    if how.http_status is not None and how.http_status < 500 and how.http_status != 429:
        return error_class(how.http_status)(f"{stream}: {how.describe()}", status=how.http_status)
    return None


def admin_event(raw: str | bytes) -> OperationEvent | None:
    """The event an admin-stream message carries; None for anything else (a pong, a newer type)."""
    message = json.loads(raw)
    if message.get("type") == "event":
        return OperationEvent.model_validate(message["event"])
    return None


def admin_stream_ended(how: Disconnect) -> UnderwayAPIError:
    """Why the admin stream ended, as the error to raise: a refusal, or :class:`StreamError`."""
    return final_error(how, "admin stream") or StreamError(
        f"admin stream ended: {how.describe()}; reload the state over REST and open it again"
    )


class StreamCursor:
    """Where a stream stands: the last ``seq`` seen, whether the terminal event has come, the latest snapshot."""

    def __init__(
        self,
        ws_base_url: str,
        operation_id: str,
        *,
        after_seq: int = 0,
        max_reconnects: int = 5,
        backoff: float = 0.2,
        max_backoff: float = 5.0,
    ) -> None:
        self._base = ws_base_url
        self.operation_id = operation_id
        self.last_seq = after_seq
        self.max_reconnects = max_reconnects
        self._backoff = backoff
        self._max_backoff = max_backoff
        self.done = False
        self.snapshot: Operation | None = None
        self.failures = 0  # failed connections since the last event
        self.reconnects = 0  # every reconnection, for the curious (and the tests)

    @property
    def url(self) -> str:
        return f"{self._base}/operations/{quote(self.operation_id, safe='')}/stream?after_seq={self.last_seq}"

    def receive(self, raw: str | bytes) -> OperationEvent | None:
        """Read one server message; returns the event to deliver, if it is a new one."""
        message = json.loads(raw)
        kind = message.get("type")
        if kind == "snapshot":
            op = Operation.model_validate(message["operation"])
            self.snapshot = op
            if op.status.is_terminal and op.last_seq <= self.last_seq:
                self.done = True  # nothing left to send: we already have the terminal event
            return None
        if kind == "event":
            event = OperationEvent.model_validate(message["event"])
            if event.seq <= self.last_seq:
                return None  # already delivered before a reconnect
            self.last_seq = event.seq
            self.failures = 0
            if is_terminal(event):
                self.done = True
            return event
        if kind == "error":
            raise StreamError(str(message.get("detail") or message.get("title") or message))
        return None  # a message type newer than this client: ignore it

    def disconnected(self, how: Disconnect) -> float:
        """The connection ended before the terminal event: seconds to wait before reconnecting, or
        the error to give up with."""
        final = final_error(how, f"stream of {self.operation_id}")
        if final is not None:
            raise final
        self.failures += 1
        if self.failures > self.max_reconnects:
            raise StreamError(
                f"stream of {self.operation_id} lost after {self.max_reconnects} reconnect attempts: "
                f"{how.describe()}"
            ) from how.error
        self.reconnects += 1
        delay: float = min(self._max_backoff, self._backoff * 2 ** (self.failures - 1))
        return delay * (0.5 + random.random() / 2) if self.failures > 1 else 0.0  # noqa: S311 (jitter)
