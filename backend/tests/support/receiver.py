"""A webhook receiver for tests: a real HTTP server on 127.0.0.1 that records what it is sent.

``answers`` is the status of each request in turn (the last repeats). A test waits for requests
with a deadline (``await receiver.next_request()``), never by sleeping.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    port: int
    answers: list[int] = field(default_factory=lambda: [200])
    location: str | None = None  # sent with 3xx answers
    received: list[Received] = field(default_factory=list)
    _queue: asyncio.Queue[Received] = field(default_factory=asyncio.Queue)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    async def next_request(self, timeout: float = 20) -> Received:
        return await asyncio.wait_for(self._queue.get(), timeout)

    async def _handle(self, request: Request) -> Response:
        got = Received(
            request.url.path, {k.lower(): v for k, v in request.headers.items()}, await request.body()
        )
        status = self.answers[min(len(self.received), len(self.answers) - 1)]
        self.received.append(got)
        self._queue.put_nowait(got)
        headers = {"Location": self.location} if self.location and 300 <= status < 400 else None
        return Response(f"answer {status}", status_code=status, headers=headers)

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/{path:path}", self._handle, methods=["POST"])])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextlib.asynccontextmanager
async def serving(receiver: Receiver) -> AsyncIterator[Receiver]:
    """Serve ``receiver`` on its port until the block ends."""
    config = uvicorn.Config(
        receiver.app(), host="127.0.0.1", port=receiver.port, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            if task.done():
                task.result()
                raise RuntimeError("the receiver did not start")
            await asyncio.sleep(0.01)
        yield receiver
    finally:
        server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 10)
