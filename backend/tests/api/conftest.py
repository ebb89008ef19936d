"""A real uvicorn server per test, on a free port, running ``create_app(settings)``.

The server runs as a task on the test's own event loop, so a test can reach into the running
service (``live_server.state.runtime.service``, ``live_server.state.auth``) as well as call it over
HTTP or WebSocket at ``live_server.base_url`` / ``live_server.ws_url``. It is parametrised like the
lead's ``database_url`` fixture: every API test runs on SQLite and on PostgreSQL.

Fixtures: ``live_server`` (default settings, see ``api_settings``), ``api`` (an httpx client whose
base URL ends in ``/api/v1``). For other settings, ``async with start_server(settings) as server``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import redis
import uvicorn
from fastapi import FastAPI

from underway.api.app import create_app
from underway.api.routes import API_PREFIX
from underway.api.server import uvicorn_config
from underway.api.state import ApiState
from underway.auth.models import Role, User
from underway.settings import Settings

DEFAULT_PASSWORD = "correct horse battery"


@dataclass
class Account:
    user: User
    password: str

    @property
    def username(self) -> str:
        return self.user.username


@dataclass
class LiveServer:
    app: FastAPI
    base_url: str

    @property
    def state(self) -> ApiState:
        state = self.app.state.api
        assert isinstance(state, ApiState)
        return state

    @property
    def api_url(self) -> str:
        return self.base_url + API_PREFIX

    @property
    def ws_url(self) -> str:
        return "ws" + self.api_url.removeprefix("http")

    def client(self, token: str | None = None, **kwargs: Any) -> httpx.AsyncClient:
        """A client for ``/api/v1``; with ``token``, sending it as a bearer credential."""
        headers = bearer(token) if token else {}
        return httpx.AsyncClient(base_url=self.api_url, headers=headers, timeout=30, **kwargs)

    async def create_user(
        self, username: str, *, role: Role = Role.USER, password: str = DEFAULT_PASSWORD
    ) -> Account:
        return Account(await self.state.auth.create_user(username, password, role), password)

    async def login(self, username: str, password: str = DEFAULT_PASSWORD) -> str:
        async with self.client() as c:
            r = await c.post("/auth/token", data={"username": username, "password": password})
        assert r.status_code == 200, r.text
        token = r.json()["access_token"]
        assert isinstance(token, str)
        return token

    async def token_for(self, username: str, *, role: Role = Role.USER) -> str:
        """Create a user and sign them in."""
        account = await self.create_user(username, role=role)
        return await self.login(account.username, account.password)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@asynccontextmanager
async def serve(
    app: FastAPI, settings: Settings, port: int = 0, send_buffer: int | None = None
) -> AsyncIterator[str]:
    """Run ``app`` under uvicorn on 127.0.0.1 and ``port`` (0: a free one); yields the base URL.

    ``send_buffer``: the kernel send buffer of every connection, in bytes. Unset, Linux grows it to
    megabytes on loopback, which hides any backpressure a test wants to see.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if send_buffer is not None:  # accepted connections inherit it
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, send_buffer)
    sock.bind(("127.0.0.1", port))
    port = sock.getsockname()[1]
    # The configuration `underway serve` uses (frame cap, protocol pings); host and port come from
    # the socket.
    config = uvicorn_config(app, settings, log_level="warning", graceful_shutdown_s=5)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()  # re-raise a start-up failure
                raise RuntimeError("uvicorn exited during start-up (see the log)")
            await asyncio.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 30)
        sock.close()


@asynccontextmanager
async def start_server(
    settings: Settings,
    configure: Callable[[FastAPI], None] | None = None,
    *,
    port: int = 0,
    send_buffer: int | None = None,
) -> AsyncIterator[LiveServer]:
    """Build ``create_app(settings)`` (``configure`` may add test-only routes) and serve it on
    ``port`` (0: a free one); ``send_buffer`` as for :func:`serve`."""
    app = create_app(settings)
    if configure is not None:
        configure(app)
    async with serve(app, settings, port, send_buffer) as base_url:
        yield LiveServer(app, base_url)


@pytest.fixture
def api_settings(settings_factory: Callable[..., Settings], request: pytest.FixtureRequest) -> Settings:
    """Overridable per test: ``@pytest.mark.parametrize("api_settings", [{...}], indirect=True)``."""
    return settings_factory(workers=2, **getattr(request, "param", {}))


@pytest.fixture
async def live_server(api_settings: Settings) -> AsyncIterator[LiveServer]:
    async with start_server(api_settings) as server:
        yield server


@pytest.fixture
async def api(live_server: LiveServer) -> AsyncIterator[httpx.AsyncClient]:
    async with live_server.client() as client:
        yield client


@pytest.fixture
def redis_url() -> str:
    """A Redis for shared rate limits; skipped where none runs, except in CI."""
    url = os.environ.get("UNDERWAY_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).flushdb()
    except redis.RedisError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is required in CI but unreachable: {exc}")
        pytest.skip(f"Redis unreachable: {exc}")
    return url
