"""Fakes of third-party servers the chat interfaces call: the Telegram Bot API, the WhatsApp Graph
API and an OpenAI-compatible chat-completions endpoint. Each is a real HTTP server on 127.0.0.1 (a
small Starlette app under uvicorn, in a thread of its own so CLI tests can use it too) that
records every request, and a test waits for a recorded request with a deadline."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


@dataclass
class Call:
    method: str  # the Bot API method, or the Graph / completions path
    body: dict[str, Any]
    files: dict[str, tuple[str, int]] = field(default_factory=dict)  # field -> (filename, size)
    path: str = ""
    result_id: int | None = None  # the message id the fake answered with


class Recorder:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._changed = threading.Condition()

    def record(self, call: Call) -> None:
        with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    def named(self, method: str) -> list[Call]:
        with self._changed:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, predicate: Callable[[list[Call]], bool], timeout: float = 20) -> list[Call]:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate(self.calls):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"not seen within {timeout} s; calls: {self.calls}")
                self._changed.wait(left)
            return list(self.calls)

    async def until(self, predicate: Callable[[list[Call]], bool], timeout: float = 20) -> list[Call]:
        return await asyncio.to_thread(self.wait_for, predicate, timeout)


async def _read(request: Request) -> tuple[dict[str, Any], dict[str, tuple[str, int]]]:
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form()
        body: dict[str, Any] = {}
        files: dict[str, tuple[str, int]] = {}
        for key, value in form.multi_items():
            if isinstance(value, str):
                body[key] = value
            else:
                files[key] = (value.filename or "", len(await value.read()))
        return body, files
    raw = await request.body()
    return (json.loads(raw) if raw else {}), {}


class FakeTelegram(Recorder):
    """The Bot API at ``/bot<token>/<method>``; a wrong token gets Telegram's 401."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token
        self._next_id = 100

    def app(self) -> Starlette:
        async def method(request: Request) -> JSONResponse:
            if request.path_params["token"] != self.token:
                return JSONResponse({"ok": False, "error_code": 401, "description": "Unauthorized"}, 401)
            body, files = await _read(request)
            name = request.path_params["method"]
            if name in ("sendMessage", "sendDocument"):
                self._next_id += 1
                self.record(Call(name, body, files, request.url.path, self._next_id))
                return JSONResponse(
                    {"ok": True, "result": {"message_id": self._next_id, "chat": {"id": body.get("chat_id")}}}
                )
            self.record(Call(name, body, files, request.url.path))
            if name == "getWebhookInfo":
                return JSONResponse({"ok": True, "result": {"url": "", "pending_update_count": 0}})
            return JSONResponse({"ok": True, "result": True})

        return Starlette(routes=[Route("/bot{token}/{method}", method, methods=["POST"])])

    def texts(self, chat_id: str | int) -> list[str]:
        return [
            str(c.body.get("text"))
            for c in self.named("sendMessage")
            if str(c.body.get("chat_id")) == str(chat_id)
        ]


class FakeGraph(Recorder):
    """The Graph API's ``/<phone id>/messages`` and ``/<phone id>/media``."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token
        self._next_id = 0

    def app(self) -> Starlette:
        async def endpoint(request: Request) -> JSONResponse:
            if request.headers.get("authorization") != f"Bearer {self.token}":
                return JSONResponse({"error": {"message": "Invalid OAuth access token"}}, 401)
            body, files = await _read(request)
            kind = request.path_params["kind"]
            self.record(Call(kind, body, files, request.url.path))
            self._next_id += 1
            if kind == "media":
                return JSONResponse({"id": f"media-{self._next_id}"})
            return JSONResponse(
                {"messaging_product": "whatsapp", "messages": [{"id": f"wamid.out{self._next_id}"}]}
            )

        return Starlette(routes=[Route("/v21.0/{phone}/{kind}", endpoint, methods=["POST"])])

    def texts(self, to: str) -> list[str]:
        out = []
        for c in self.named("messages"):
            if c.body.get("to") != to:
                continue
            if c.body.get("type") == "text":
                out.append(str(c.body["text"]["body"]))
            elif c.body.get("type") == "interactive":
                out.append(str(c.body["interactive"]["body"]["text"]))
        return out


class FakeLanguageModel(Recorder):
    """``POST /v1/chat/completions`` answering with the next queued reply message."""

    def __init__(self) -> None:
        super().__init__()
        self.replies: list[dict[str, Any]] = []

    def propose(self, tool: str, arguments: dict[str, Any]) -> None:
        call = {
            "id": "call_1",
            "type": "function",
            "function": {"name": tool, "arguments": json.dumps(arguments)},
        }
        self.replies.append({"role": "assistant", "content": None, "tool_calls": [call]})

    def say(self, text: str) -> None:
        self.replies.append({"role": "assistant", "content": text})

    def app(self) -> Starlette:
        async def completions(request: Request) -> JSONResponse:
            body, _ = await _read(request)
            self.record(Call("completions", body, {}, request.url.path))
            message = self.replies.pop(0) if self.replies else {"role": "assistant", "content": "Sorry."}
            return JSONResponse(
                {"id": "x", "object": "chat.completion", "choices": [{"index": 0, "message": message}]}
            )

        return Starlette(routes=[Route("/v1/chat/completions", completions, methods=["POST"])])


@contextmanager
def serving(app: Starlette) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 (a free port) from a thread; yields the base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the fake server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
