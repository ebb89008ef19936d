"""Fixtures of the SDK tests: a real server (SQLite, fresh data dir) and signed-in clients."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tests.sdk.live import ThreadedServer, running_server, sdk_settings
from underway.auth.models import Role
from underway.client import AsyncClient, Client


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ThreadedServer]:
    with running_server(sdk_settings(tmp_path)) as srv:
        yield srv


@pytest.fixture
def user_token(server: ThreadedServer) -> str:
    return server.token_for("alice")


@pytest.fixture
def admin_token(server: ThreadedServer) -> str:
    return server.token_for("root", role=Role.ADMIN)


@pytest.fixture
def client(server: ThreadedServer, user_token: str) -> Iterator[Client]:
    with Client(server.base_url, token=user_token) as c:
        yield c


@pytest.fixture
def admin(server: ThreadedServer, admin_token: str) -> Iterator[Client]:
    with Client(server.base_url, token=admin_token) as c:
        yield c


@pytest.fixture
async def aclient(server: ThreadedServer, user_token: str) -> AsyncIterator[AsyncClient]:
    async with AsyncClient(server.base_url, token=user_token) as c:
        yield c
