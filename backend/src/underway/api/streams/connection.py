"""Reading and writing one stream socket: size-capped receives, typed sends, closes that tolerate a
peer that already left."""

from __future__ import annotations

import contextlib

from pydantic import BaseModel
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from underway.api.streams.protocol import MAX_MESSAGE_BYTES, CloseCode


class ClientGone(Exception):
    """The client disconnected."""


class StreamClosed(Exception):
    """End the stream with this close code (raised where the reason is known, closed in one place)."""

    def __init__(self, code: CloseCode, reason: str) -> None:
        super().__init__(f"{code.value} {reason}")
        self.code = code
        self.reason = reason


async def receive_text(ws: WebSocket) -> str:
    """The next client message. Raises ClientGone, or StreamClosed for binary or oversized frames.

    ``underway serve`` also caps frames in the server (``ws_max_size``); this check holds whatever
    server runs the app.
    """
    message = await ws.receive()
    if message["type"] == "websocket.disconnect":
        raise ClientGone
    text = message.get("text")
    if not isinstance(text, str):
        raise StreamClosed(CloseCode.POLICY_VIOLATION, "binary messages are not accepted")
    if len(text) > MAX_MESSAGE_BYTES or len(text.encode()) > MAX_MESSAGE_BYTES:
        raise StreamClosed(CloseCode.MESSAGE_TOO_BIG, "message too big")
    return text


async def send_message(ws: WebSocket, message: BaseModel) -> None:
    try:
        await ws.send_text(message.model_dump_json())
    except (WebSocketDisconnect, RuntimeError, OSError) as exc:
        # RuntimeError: Starlette refuses to send once the socket is closed.
        raise ClientGone from exc


async def close(ws: WebSocket, code: CloseCode, reason: str = "") -> None:
    if ws.application_state is WebSocketState.DISCONNECTED or ws.client_state is WebSocketState.DISCONNECTED:
        return
    with contextlib.suppress(WebSocketDisconnect, RuntimeError, OSError):
        await ws.close(code.value, reason)
