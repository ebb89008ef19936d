"""WebSocket client helpers for the stream tests: connect, authenticate, read with deadlines."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families
from websockets.asyncio.client import ClientConnection, connect
from websockets.client import ClientProtocol
from websockets.exceptions import ConnectionClosed
from websockets.frames import Frame, Opcode
from websockets.http11 import Request, Response
from websockets.uri import parse_uri

from tests.api.conftest import LiveServer

DEADLINE_S = 30.0


@asynccontextmanager
async def open_stream(
    server: LiveServer,
    path: str,
    token: str | None = None,
    *,
    origin: str | None = None,
    headers: dict[str, str] | None = None,
    max_size: int | None = 2**20,
) -> AsyncIterator[ClientConnection]:
    """Connect to ``server.ws_url + path``; with ``token``, send the auth message first."""
    sent = {**(headers or {}), **({"Origin": origin} if origin else {})}
    async with connect(
        server.ws_url + path, additional_headers=sent, max_size=max_size, open_timeout=DEADLINE_S
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


async def open_streams(api: httpx.AsyncClient, stream: str) -> float:
    """Open streams of one kind, as ``GET /metrics`` reports them."""
    text = (await api.get("/metrics")).text
    for family in text_string_to_metric_families(text):
        if family.name == "underway_websocket_connections":
            for sample in family.samples:
                if sample.labels == {"stream": stream}:
                    return sample.value
    return 0.0


async def until_open_streams(
    api: httpx.AsyncClient, stream: str, count: int, timeout: float = DEADLINE_S
) -> None:
    """Scrape until the gauge reads ``count``. A stream is counted down when its handler returns,
    which is just after the socket closed: there is no event to wait for from outside."""
    deadline = asyncio.get_running_loop().time() + timeout
    while (value := await open_streams(api, stream)) != count:
        assert asyncio.get_running_loop().time() < deadline, f"{stream} streams stayed at {value}"
        await asyncio.sleep(0.05)


def events_of(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m["event"] for m in messages if m["type"] == "event"]


def seqs(messages: list[dict[str, Any]]) -> list[int]:
    return [e["seq"] for e in events_of(messages)]


class SilentPeer:
    """A stream client that works until its snapshot has arrived, then reads everything but never
    answers the server's protocol pings, like a peer whose machine went to sleep. Built on
    websockets' sans-I/O protocol over a raw TCP connection: once silent, the pongs it prepares are
    never written."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, proto: ClientProtocol):
        self._reader, self._writer, self._proto = reader, writer, proto
        self.frames: list[Frame] = []

    @classmethod
    @asynccontextmanager
    async def connect(cls, server: LiveServer, path: str, token: str) -> AsyncIterator[SilentPeer]:
        proto = ClientProtocol(parse_uri(server.ws_url + path))
        host, port = server.base_url.removeprefix("http://").split(":")
        reader, writer = await asyncio.open_connection(host, int(port))
        peer = cls(reader, writer, proto)
        try:
            proto.send_request(proto.connect())
            await peer._flush()
            while not any(isinstance(e, Response) for e in await peer._receive()):
                pass
            proto.send_text(json.dumps({"type": "auth", "token": token}).encode())
            await peer._flush()
            yield peer
        finally:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()

    async def _flush(self) -> None:
        self._writer.write(b"".join(self._proto.data_to_send()))
        await self._writer.drain()

    async def _receive(self, *, answer: bool = False) -> list[Request | Response | Frame]:
        data = await asyncio.wait_for(self._reader.read(65536), DEADLINE_S)
        if not data:
            raise ConnectionResetError("the server closed the connection")
        self._proto.receive_data(data)
        if answer:
            await self._flush()  # the pongs, like any client
        else:
            self._proto.data_to_send()  # what it would answer (pongs): dropped, never sent
        events = self._proto.events_received()
        self.frames += [e for e in events if isinstance(e, Frame)]
        return events

    async def read_until_snapshot(self) -> None:
        """Work like a normal client (answering pings) until the stream's snapshot has arrived."""
        while not any(
            frame.opcode is Opcode.TEXT and json.loads(bytes(frame.data))["type"] == "snapshot"
            for frame in self.frames
        ):
            await self._receive(answer=True)

    async def read_until_dropped(self, timeout: float = DEADLINE_S) -> None:
        """From now on read without ever answering, until the server closes the TCP connection."""

        async def drain() -> None:
            with contextlib.suppress(ConnectionResetError):
                while True:
                    await self._receive()

        await asyncio.wait_for(drain(), timeout)
