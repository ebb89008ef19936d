"""Every error is application/problem+json: framework errors, core errors, crashes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from fastapi import FastAPI

from tests.api.conftest import LiveServer, bearer, start_server
from tests.api.problems import assert_problem
from underway.operations import errors as core
from underway.settings import Settings


async def test_unknown_route_is_404(api: httpx.AsyncClient) -> None:
    problem = assert_problem(await api.get("/no/such/route"), 404)
    assert problem["instance"] == "/api/v1/no/such/route"
    assert_problem(await api.get("/../../etc/passwd"), 404)


async def test_wrong_method_is_405_with_allow(api: httpx.AsyncClient) -> None:
    r = await api.delete("/users/me")
    assert_problem(r, 405)
    assert r.headers["allow"] == "GET"


async def test_unknown_json_field_is_422(live_server: LiveServer, api: httpx.AsyncClient) -> None:
    token = await live_server.token_for("alice")
    r = await api.post("/api-keys", json={"name": "k", "owner": "bob"}, headers=bearer(token))
    problem = assert_problem(r, 422)
    assert problem["errors"] == [
        {"loc": ["body", "owner"], "msg": "Extra inputs are not permitted", "type": "extra_forbidden"}
    ]
    assert problem["type"] == "urn:underway:problem:validation-error"


async def test_malformed_json_is_422(live_server: LiveServer, api: httpx.AsyncClient) -> None:
    token = await live_server.token_for("alice")
    r = await api.post(
        "/api-keys", content=b'{"name": ', headers={**bearer(token), "content-type": "application/json"}
    )
    assert_problem(r, 422)


async def test_body_over_the_limit_is_413(settings_factory: Callable[..., Settings]) -> None:
    async with start_server(settings_factory(max_body_bytes=2048)) as server, server.client() as api:
        token = await server.token_for("alice")
        # Declared Content-Length: refused before the body is read (and before authentication).
        problem = assert_problem(await api.post("/api-keys", json={"name": "x" * 5000}), 413)
        assert "2048" in problem["detail"]

        # Chunked, no Content-Length: counted as it streams.
        async def chunks() -> AsyncIterator[bytes]:
            for _ in range(10):
                yield b"x" * 1000

        r = await api.post(
            "/api-keys", content=chunks(), headers={**bearer(token), "content-type": "application/json"}
        )
        assert "content-length" not in r.request.headers
        assert_problem(r, 413)

    async with start_server(settings_factory(max_body_bytes=2048)) as server, server.client() as api:
        # Within the limit all is normal, chunked or not.
        token = await server.token_for("bob")

        async def small() -> AsyncIterator[bytes]:
            yield b'{"name": '
            yield b'"ok"}'

        r = await api.post(
            "/api-keys", content=small(), headers={**bearer(token), "content-type": "application/json"}
        )
        assert r.status_code == 201, r.text


def _failing_routes(app: FastAPI) -> None:
    @app.get("/api/v1/test-boom", tags=["test"], name="boom")
    async def boom() -> None:
        raise RuntimeError("secret internals: password=hunter2")

    errors: dict[str, Exception] = {
        "workflow": core.WorkflowNotFound("nope"),
        "params": core.InvalidParams(
            "wf", [core.FieldError(loc=("rules", 0, "column"), msg="required", type="missing")]
        ),
        "submission": core.InvalidSubmission("timeout_s", "too long"),
        "queue": core.QueueFull(10, retry_after_s=7),
        "quota": core.UserQuotaExceeded("alice", 3, retry_after_s=9),
        "idempotency": core.IdempotencyConflict("k", "op-1"),
        "operation": core.OperationNotFound("op-2"),
        "artifact": core.ArtifactNotFound("op-2", "report.pdf"),
        "finished": core.OperationFinished("op-3", "completed"),
    }

    @app.get("/api/v1/test-core/{name}", tags=["test"], name="core")
    async def raise_core(name: str) -> None:
        raise errors[name]


async def test_unexpected_exception_is_a_bare_500(settings_factory: Callable[..., Settings]) -> None:
    async with start_server(settings_factory(), _failing_routes) as server, server.client() as api:
        r = await api.get("/test-boom")
        problem = assert_problem(r, 500)
        assert "hunter2" not in r.text and "RuntimeError" not in r.text
        assert problem["error_id"] in problem["detail"]
        assert r.headers["x-content-type-options"] == "nosniff"
        # The server survives.
        assert (await api.get("/health")).status_code == 200


@pytest.mark.parametrize(
    ("name", "status", "loc", "retry_after"),
    [
        ("workflow", 422, ["body", "workflow"], None),
        ("params", 422, ["body", "params", "rules", 0, "column"], None),
        ("submission", 422, ["body", "timeout_s"], None),
        ("queue", 503, None, 7),
        ("quota", 429, None, 9),
        ("idempotency", 409, None, None),
        ("operation", 404, None, None),
        ("artifact", 404, None, None),
        ("finished", 409, None, None),
    ],
)
async def test_core_errors_map_to_problems(
    settings_factory: Callable[..., Settings],
    name: str,
    status: int,
    loc: list[object] | None,
    retry_after: int | None,
) -> None:
    async with start_server(settings_factory(), _failing_routes) as server, server.client() as api:
        r = await api.get(f"/test-core/{name}")
        problem = assert_problem(r, status)
        if loc is not None:
            assert problem["errors"][0]["loc"] == loc
        if retry_after is not None:
            assert r.headers["retry-after"] == str(retry_after)
            assert problem["retry_after"] == retry_after
