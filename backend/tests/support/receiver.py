"""Webhook receivers for tests: real HTTP servers on 127.0.0.1 that record what they are sent.

:class:`Receiver` runs on the test's event loop: ``answers`` is the status of each request in turn
(the last repeats), and a test waits with a deadline (``await receiver.next_request()``).
:class:`ThreadedReceiver` runs in a thread, for tests that are not async (processes, the CLI, the
browser); with ``hold_first`` it never answers its first request.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

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


class ThreadedReceiver:
    def __init__(self, *, hold_first: bool = False) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.answers = [200]  # the status of each answer in turn (the last repeats)
        self._arrived = threading.Condition()
        self._release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver._arrived:
                    receiver.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                    first = len(receiver.requests) == 1
                    receiver._arrived.notify_all()
                if hold_first and first:
                    receiver._release.wait(60)
                    return
                answers = receiver.answers
                self.send_response(answers[min(len(receiver.requests) - 1, len(answers) - 1)])
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *_: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hook"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def arrived(self, count: int, timeout: float = 30) -> bool:
        """Whether ``count`` requests have arrived within ``timeout`` seconds."""
        with self._arrived:
            return self._arrived.wait_for(lambda: len(self.requests) >= count, timeout)

    def close(self) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()
