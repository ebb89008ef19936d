"""Health probes and Prometheus metrics."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from tests.api.conftest import LiveServer, bearer, start_server
from tests.api.operations_helpers import sleep_params, submit, wait_until
from tests.api.problems import assert_problem
from underway.settings import Settings


async def test_liveness_needs_no_auth(api: httpx.AsyncClient) -> None:
    r = await api.get("/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}


async def test_readiness_reports_checks(api: httpx.AsyncClient) -> None:
    r = await api.get("/health/ready")
    assert r.status_code == 200, r.text
    assert r.json() == {"status": "ok", "checks": {"database": True, "dispatcher": True}}


async def test_not_ready_is_503_problem(
    live_server: LiveServer, api: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken() -> dict[str, bool]:
        return {"database": False, "dispatcher": True}

    monkeypatch.setattr(live_server.state.runtime, "ready", broken)
    r = await api.get("/health/ready")
    problem = assert_problem(r, 503)
    assert problem["checks"] == {"database": False, "dispatcher": True}
    assert "database" in problem["detail"]
    assert r.headers["retry-after"] == str(problem["retry_after"])


async def test_metrics_count_requests_by_route_template(
    live_server: LiveServer, api: httpx.AsyncClient
) -> None:
    await api.get("/health")
    await api.get("/health")
    await api.get("/users/me")
    await api.get("/no/such/thing/12345")
    r = await api.get("/metrics")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain")
    text = r.text
    assert 'underway_http_requests_total{method="GET",route="/api/v1/health",status="200"} 2.0' in text
    assert 'underway_http_requests_total{method="GET",route="/api/v1/users/me",status="401"} 1.0' in text
    # Unknown paths share one label: clients cannot create series at will.
    assert 'route="<unmatched>",status="404"' in text
    assert "12345" not in text
    assert "underway_http_request_duration_seconds_bucket" in text
    for name in (
        "underway_operations_total",
        "underway_queue_depth",
        "underway_operations_running",
        "underway_operations_active",
        "underway_dispatch_latency_seconds",
        "underway_operation_duration_seconds",
        "underway_websocket_connections",
        "underway_rate_limit_rejections_total",
    ):
        assert f"# TYPE {name.removesuffix('_total')}" in text, name
    assert 'underway_queue_depth{priority="normal"} 0.0' in text


async def test_operation_metrics_follow_the_lifecycle(
    live_server: LiveServer, api: httpx.AsyncClient
) -> None:
    service = live_server.state.runtime.service
    op = await service.submit(workflow="demo.sleep", params={"steps": 1, "step_s": 0}, owner="alice")
    await service.wait(op.id, timeout=20)
    text = (await api.get("/metrics")).text
    assert 'underway_operations_total{status="submitted",workflow="demo.sleep"} 1.0' in text
    assert 'underway_operations_total{status="completed",workflow="demo.sleep"} 1.0' in text
    assert 'underway_operation_duration_seconds_count{status="completed",workflow="demo.sleep"} 1.0' in text
    assert "underway_dispatch_latency_seconds_count 1.0" in text


async def test_active_operations_by_status_and_workflow(settings_factory: Callable[..., Settings]) -> None:
    async with start_server(settings_factory(workers=1)) as server, server.client() as api:
        token = await server.token_for("alice")
        running = await submit(api, token, params=sleep_params(steps=1000, step_s=0.05))
        await wait_until(server, running["id"], "running")
        queued = await submit(api, token, params=sleep_params(steps=1000, step_s=0.05))
        waiting = await submit(api, token, "test.artifact", {})  # the one worker is busy

        text = (await api.get("/metrics")).text
        assert "# TYPE underway_operations_active gauge" in text
        assert _active("running", "demo.sleep", 1) in text
        assert _active("queued", "demo.sleep", 1) in text
        assert _active("queued", "test.artifact", 1) in text
        # Every workflow has every series, so "none" reads as 0 rather than as no data.
        assert _active("cancelling", "demo.sleep", 0) in text
        assert _active("running", "monthly_report", 0) in text

        for op in (queued, running):
            assert (
                await api.post(f"/operations/{op['id']}/cancel", headers=bearer(token))
            ).status_code == 202
        for op in (queued, running, waiting):
            await wait_until(server, op["id"])
        text = (await api.get("/metrics")).text
        for status in ("queued", "running", "cancelling"):
            for workflow in ("demo.sleep", "test.artifact"):
                assert _active(status, workflow, 0) in text


def _active(status: str, workflow: str, count: int) -> str:
    return f'underway_operations_active{{status="{status}",workflow="{workflow}"}} {count:.1f}'


async def test_websocket_gauge_helper(live_server: LiveServer) -> None:
    metrics = live_server.state.metrics

    def open_streams() -> float | None:
        return metrics.registry.get_sample_value("underway_websocket_connections", {"stream": "operation"})

    with metrics.websocket_connection("operation"):
        assert open_streams() == 1
    assert open_streams() == 0


async def test_metrics_can_be_disabled(settings_factory: Callable[..., Settings]) -> None:
    async with start_server(settings_factory(metrics_enabled=False)) as server, server.client() as api:
        assert_problem(await api.get("/metrics"), 404)
