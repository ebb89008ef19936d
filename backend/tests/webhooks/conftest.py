"""A live server whose webhooks may reach test receivers on 127.0.0.1, retrying after 0.3 s."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from tests.api.conftest import LiveServer, start_server
from underway.settings import Settings


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
