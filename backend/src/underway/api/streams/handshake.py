"""Opening a stream: accept, check the Origin, then wait for the auth message.

The socket is accepted before anything is checked so that every refusal is a close code the
client can read (4401/4403) rather than a bare HTTP 403 on the upgrade.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from pydantic import ValidationError
from starlette.websockets import WebSocket

from underway.api.security import websocket_origin_allowed
from underway.api.state import ApiState
from underway.api.streams import protocol
from underway.api.streams.connection import StreamClosed, receive_text
from underway.api.streams.messages import AuthMessage
from underway.api.streams.protocol import CloseCode
from underway.auth.errors import AccountDisabled, AuthError
from underway.auth.models import Principal

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Authenticated:
    principal: Principal
    token: str  # kept to check the credentials again during long streams


async def authenticate(state: ApiState, token: str) -> Principal:
    """The principal behind ``token``, or StreamClosed with the close code for the failure."""
    try:
        return await state.auth.authenticate_bearer(token)
    except AccountDisabled:
        raise StreamClosed(CloseCode.FORBIDDEN, "account disabled") from None
    except AuthError:
        raise StreamClosed(CloseCode.UNAUTHENTICATED, "invalid or expired credentials") from None


async def handshake(ws: WebSocket, state: ApiState) -> Authenticated:
    """Accept and authenticate. Raises StreamClosed (with the code to close with) or ClientGone."""
    await ws.accept()
    if not websocket_origin_allowed(ws, state.settings):
        log.info("refused WebSocket from origin %r", ws.headers.get("origin"))
        raise StreamClosed(CloseCode.FORBIDDEN, "origin not allowed")
    try:
        text = await asyncio.wait_for(receive_text(ws), protocol.AUTH_TIMEOUT_S)
    except TimeoutError:
        raise StreamClosed(CloseCode.UNAUTHENTICATED, "no auth message in time") from None
    try:
        message = AuthMessage.model_validate_json(text)
    except ValidationError:
        raise StreamClosed(
            CloseCode.UNAUTHENTICATED, 'the first message must be {"type": "auth", "token": ...}'
        ) from None
    return Authenticated(await authenticate(state, message.token), message.token)
