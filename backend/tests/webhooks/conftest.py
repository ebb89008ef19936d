"""A live server whose webhooks may reach test receivers on 127.0.0.1, retrying after 0.3 s."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

import pytest

from tests.api.conftest import LiveServer, start_server
from underway.settings import Settings

T = TypeVar("T")


def webhook_settings(settings_factory: Callable[..., Settings], **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "workers": 2,
        "webhook_allowed_networks": ["127.0.0.1/32"],
        "webhook_retry_schedule_s": [0] + [0.3] * 30,
        "webhook_timeout_s": 5,
        "rate_limit_read": "100000/minute",
        "rate_limit_submit": "100000/minute",
        "public_url": "https://underway.example.com",
    }
    return settings_factory(**{**values, **overrides})


@pytest.fixture
async def server(settings_factory: Callable[..., Settings]) -> AsyncIterator[LiveServer]:
    async with start_server(webhook_settings(settings_factory)) as live:
        yield live


async def eventually(probe: Callable[[], Awaitable[T | None]], what: str, timeout: float = 20) -> T:
    """Ask ``probe`` until it answers (not None), with a deadline."""
    deadline = time.monotonic() + timeout
    while True:
        found = await probe()
        if found is not None:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(0.05)
