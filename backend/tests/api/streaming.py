"""WebSocket client helpers for the stream tests: connect, authenticate, read with deadlines."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.api.conftest import LiveServer

DEADLINE_S = 30.0


@asynccontextmanager
async def open_stream(
    server: LiveServer,
    path: str,
    token: str | None = None,
    *,
    origin: str | None = None,
    max_size: int | None = 2**20,
) -> AsyncIterator[ClientConnection]:
    """Connect to ``server.ws_url + path``; with ``token``, send the auth message first."""
    headers = {"Origin": origin} if origin else None
    async with connect(
        server.ws_url + path, additional_headers=headers, max_size=max_size, open_timeout=DEADLINE_S
    ) as ws:
        if token is not None:
            # The server may already have closed (a refused Origin); the close code tells.
            with contextlib.suppress(ConnectionClosed):
                await ws.send(json.dumps({"type": "auth", "token": token}))
        yield ws


async def next_message(ws: ClientConnection, timeout: float = DEADLINE_S) -> dict[str, Any]:
    raw = await asyncio.wait_for(ws.recv(), timeout)
    message = json.loads(raw)
    assert isinstance(message, dict)
    return message


async def read_until_closed(
    ws: ClientConnection, timeout: float = DEADLINE_S
) -> tuple[list[dict[str, Any]], int | None]:
    """Every message until the server closes, and the close code."""
    messages: list[dict[str, Any]] = []

    async def drain() -> None:
        try:
            async for raw in ws:
                messages.append(json.loads(raw))
        except ConnectionClosed:
            pass

    await asyncio.wait_for(drain(), timeout)
    return messages, close_code(ws)


async def close_code_of(ws: ClientConnection, timeout: float = DEADLINE_S) -> int | None:
    """Wait for the server to close (ignoring messages) and return its close code."""
    _, code = await read_until_closed(ws, timeout)
    return code


def close_code(ws: ClientConnection) -> int | None:
    return ws.close_code


def events_of(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m["event"] for m in messages if m["type"] == "event"]


def seqs(messages: list[dict[str, Any]]) -> list[int]:
    return [e["seq"] for e in events_of(messages)]
