"""Helpers of the operations API tests: submit over HTTP, wait through the service's live stream."""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.conftest import LiveServer, bearer
from tests.conftest import wait_for_status
from underway.operations.models import Operation

TERMINAL = ("completed", "failed", "cancelled", "timed_out")


def sleep_params(steps: int = 3, step_s: float = 0.01, **extra: Any) -> dict[str, Any]:
    return {"steps": steps, "step_s": step_s, **extra}


async def submit(
    api: httpx.AsyncClient,
    token: str,
    workflow: str = "demo.sleep",
    params: dict[str, Any] | None = None,
    *,
    expect: int = 202,
    headers: dict[str, str] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    body = {"workflow": workflow, "params": sleep_params() if params is None else params, **fields}
    r = await api.post("/operations", json=body, headers={**bearer(token), **(headers or {})})
    assert r.status_code == expect, r.text
    data = r.json()
    assert isinstance(data, dict)
    return data


async def wait_until(server: LiveServer, op_id: str, *statuses: str, timeout: float = 30) -> Operation:
    """Follow the operation through the core's live stream (no polling) until one of ``statuses``."""
    return await wait_for_status(server.state.runtime, op_id, *(statuses or TERMINAL), timeout=timeout)
