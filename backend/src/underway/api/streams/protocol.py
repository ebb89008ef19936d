"""The WebSocket protocol's fixed numbers: close codes, limits and timings.

Connection: the client opens the socket and sends ``{"type": "auth", "token": ...}`` (an access
token or an API key) within :data:`AUTH_TIMEOUT_S`. Then the server streams; the client may only
send ``{"type": "ping"}`` (answered with ``{"type": "pong"}``).
"""

from __future__ import annotations

from enum import IntEnum

AUTH_TIMEOUT_S = 5.0
# Client messages are an auth message (tokens are at most 4 KiB) or a ping.
MAX_MESSAGE_BYTES = 8192
# Credentials are checked again this often, so an expired token, a revoked key or a disabled
# account ends a long stream within this delay rather than at the next reconnect.
REAUTH_INTERVAL_S = 60.0
# Messages waiting for a slow client, per connection. Beyond it progress events are coalesced and
# the subscription falls back to the persisted log (see outbox.py).
OUTBOX_CAPACITY = 64
# WebSocket protocol pings (uvicorn's keepalive) detect dead peers: UNDERWAY_WS_PING_INTERVAL_S and
# UNDERWAY_WS_PING_TIMEOUT_S, applied by underway.api.server.


class CloseCode(IntEnum):
    NORMAL = 1000  # the operation finished and its terminal event was sent
    POLICY_VIOLATION = 1008  # a bad after_seq, or a message other than ping after authentication
    MESSAGE_TOO_BIG = 1009
    INTERNAL_ERROR = 1011
    SERVICE_RESTART = 1012  # sent by uvicorn to every open stream when the server shuts down
    UNAUTHENTICATED = 4401  # no, bad, expired or revoked credentials, or no auth message in time
    FORBIDDEN = 4403  # disallowed Origin, disabled account, or a user on the admin stream
    NOT_FOUND = 4404  # no such operation, or not yours


CLOSE_CODE_MEANINGS: dict[int, str] = {
    CloseCode.NORMAL: "The operation finished; its terminal event was the last message.",
    CloseCode.POLICY_VIOLATION: "after_seq is not an integer from 0 to 2^31-1, or the client sent "
    "something other than a ping after authenticating.",
    CloseCode.MESSAGE_TOO_BIG: f"A client message was larger than {MAX_MESSAGE_BYTES} bytes.",
    CloseCode.INTERNAL_ERROR: "The server failed; reconnect with after_seq.",
    CloseCode.SERVICE_RESTART: "The server is shutting down or restarting; reconnect later with after_seq.",
    CloseCode.UNAUTHENTICATED: "Missing, invalid, expired or revoked credentials, or no auth message in time.",
    CloseCode.FORBIDDEN: "Origin not allowed, account disabled, or not an administrator (admin stream).",
    CloseCode.NOT_FOUND: "No such operation, or not yours.",
}
