"""Administration through the SDK: one account by id, and the admin stream of every operation."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sdk.live import ThreadedServer, running_server, sdk_settings
from underway.auth.models import Role
from underway.client import (
    AsyncClient,
    Client,
    EventType,
    NotFound,
    OperationStatus,
    PermissionDenied,
    StreamError,
)

SLOW = {"steps": 2000, "step_s": 0.05}


def test_admin_reads_one_account_by_id(client: Client, admin: Client) -> None:
    alice = client.me()
    assert admin.admin_user(alice.id) == alice
    with pytest.raises(NotFound):
        admin.admin_user("no-such-user")
    with pytest.raises(PermissionDenied):
        client.admin_user(alice.id)


async def test_async_admin_reads_one_account_by_id(server: ThreadedServer, admin_token: str) -> None:
    async with AsyncClient(server.base_url, token=admin_token) as admin:
        me = await admin.me()
        assert await admin.admin_user(me.id) == me
        with pytest.raises(NotFound):
            await admin.admin_user("no-such-user")


def test_admin_stream_carries_other_users_operations_live(client: Client, admin: Client) -> None:
    # A long run emits progress until cancelled, so the stream surely sees it once subscribed.
    op = client.submit("demo.sleep", SLOW)
    seen = []
    for event in admin.admin_stream():
        if event.operation_id == op.id and event.type is EventType.PROGRESS:
            seen.append(event)
            break
    client.cancel(op.id)
    assert seen[0].status is OperationStatus.RUNNING
    assert client.wait(op.id, timeout=30).status is OperationStatus.CANCELLED


def test_admin_stream_is_for_administrators(client: Client) -> None:
    with pytest.raises(PermissionDenied):
        next(client.admin_stream())


async def test_async_admin_stream(server: ThreadedServer, user_token: str, admin_token: str) -> None:
    async with (
        AsyncClient(server.base_url, token=user_token) as alice,
        AsyncClient(server.base_url, token=admin_token) as admin,
    ):
        op = await alice.submit("demo.sleep", SLOW)
        async for event in admin.admin_stream():
            if event.operation_id == op.id:
                assert event.status in {OperationStatus.QUEUED, OperationStatus.RUNNING}
                break
        await alice.cancel(op.id)
        with pytest.raises(PermissionDenied):
            await anext(alice.admin_stream())


def test_admin_stream_ends_with_stream_error_when_the_server_stops(tmp_path: Path) -> None:
    """It does not resume on its own (it cannot replay what was missed): the caller hears of it."""
    with running_server(sdk_settings(tmp_path)) as server:
        with Client(server.base_url, token=server.token_for("alice")) as alice:
            op = alice.submit("demo.sleep", SLOW)
        with Client(server.base_url, token=server.token_for("root", role=Role.ADMIN)) as admin:
            events = admin.admin_stream()
            assert next(e for e in events if e.operation_id == op.id)
            server.stop()  # as on SIGTERM: open streams are closed with 1012
            with pytest.raises(StreamError, match="1012"):
                for _ in events:
                    pass
