"""Rate limits: exact quotas, 429 with Retry-After, RateLimit headers on every limited response."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
from fastapi import Depends, FastAPI

from tests.api.conftest import bearer, start_server
from tests.api.problems import assert_problem
from underway.api.security import rate_limit
from underway.settings import Settings

# draft-ietf-httpapi-ratelimit-headers-09: a list of `"policy";q=..;w=..` and of `"policy";r=..;t=..`.
_POLICY = re.compile(r'"(?P<policy>[a-z-]+)";q=(?P<q>\d+);w=(?P<w>\d+)')
_STATE = re.compile(r'"(?P<policy>[a-z-]+)";r=(?P<r>\d+);t=(?P<t>\d+)')


def remaining(response: httpx.Response) -> dict[str, int]:
    return {m["policy"]: int(m["r"]) for m in _STATE.finditer(response.headers["ratelimit"])}


def assert_refused_by(response: httpx.Response, policy: str, quota: int, window_s: int) -> None:
    """A 429 of ``policy`` with both RateLimit fields in the draft's syntax and ``Retry-After``
    equal to the policy's ``t`` (when quota frees up)."""
    problem = assert_problem(response, 429)
    assert problem["type"] == "urn:underway:problem:rate-limited"
    policies = [m.groupdict() for m in _POLICY.finditer(response.headers["ratelimit-policy"])]
    assert policies == [{"policy": policy, "q": str(quota), "w": str(window_s)}], policies
    assert _POLICY.sub("", response.headers["ratelimit-policy"]) == ""  # nothing else in the field
    states = list(_STATE.finditer(response.headers["ratelimit"]))
    assert [(m["policy"], m["r"]) for m in states] == [(policy, "0")]
    assert _STATE.sub("", response.headers["ratelimit"]) == ""
    t = int(states[0]["t"])
    assert 1 <= t <= window_s
    assert response.headers["retry-after"] == str(t)
    assert problem["retry_after"] == t


def _login(username: str, ip: str = "10.0.0.1") -> dict[str, object]:
    # uvicorn trusts X-Forwarded-For from 127.0.0.1 by default, which lets a test play several clients.
    return {"data": {"username": username, "password": "wrong-password"}, "headers": {"X-Forwarded-For": ip}}


async def test_login_quota_per_ip(settings_factory: Callable[..., Settings]) -> None:
    async with start_server(settings_factory(rate_limit_login="3/minute")) as server, server.client() as api:
        for i in range(3):
            r = await api.post("/auth/token", **_login(f"user{i}"))  # type: ignore[arg-type]
            assert_problem(r, 401)
            assert r.headers["ratelimit-policy"] == '"login-ip";q=3;w=60, "login-user";q=3;w=60'
            assert remaining(r) == {"login-ip": 2 - i, "login-user": 2}

        r = await api.post("/auth/token", **_login("user9"))  # type: ignore[arg-type]
        problem = assert_problem(r, 429)
        assert problem["type"] == "urn:underway:problem:rate-limited"
        assert 1 <= int(r.headers["retry-after"]) <= 60
        assert problem["retry_after"] == int(r.headers["retry-after"])
        assert remaining(r)["login-ip"] == 0
        assert "ratelimit-policy" in r.headers

        # Another client is not affected.
        assert (await api.post("/auth/token", **_login("user9", ip="10.0.0.2"))).status_code == 401  # type: ignore[arg-type]


async def test_login_quota_per_username_across_ips(settings_factory: Callable[..., Settings]) -> None:
    async with start_server(settings_factory(rate_limit_login="3/minute")) as server, server.client() as api:
        await server.create_user("alice")
        for i in range(3):
            assert_problem(await api.post("/auth/token", **_login("alice", ip=f"10.0.1.{i}")), 401)  # type: ignore[arg-type]
        r = await api.post("/auth/token", **_login("alice", ip="10.0.1.99"))  # type: ignore[arg-type]
        assert_problem(r, 429)
        assert remaining(r) == {"login-ip": 2, "login-user": 0}
        # Even the right password waits: the limit is checked before credentials.
        r = await api.post(
            "/auth/token",
            data={"username": "alice", "password": "correct horse battery"},
            headers={"X-Forwarded-For": "10.0.1.100"},
        )
        assert_problem(r, 429)


async def test_read_quota_per_user(settings_factory: Callable[..., Settings]) -> None:
    async with start_server(settings_factory(rate_limit_read="4/minute")) as server, server.client() as api:
        alice = bearer(await server.token_for("alice"))
        bob = bearer(await server.token_for("bob"))
        for i in range(4):
            r = await api.get("/users/me", headers=alice)
            assert r.status_code == 200
            assert r.headers["ratelimit-policy"] == '"read";q=4;w=60'
            assert remaining(r) == {"read": 3 - i}
        r = await api.get("/api-keys", headers=alice)
        assert_problem(r, 429)
        assert "retry-after" in r.headers
        assert (await api.get("/users/me", headers=bob)).status_code == 200

        metrics = (await api.get("/metrics")).text
        assert 'underway_rate_limit_rejections_total{policy="read"} 1.0' in metrics


def _with_submit_route(app: FastAPI) -> None:
    # How the operations router attaches the submission limit.
    @app.post(
        "/api/v1/test-submit", tags=["test"], name="submit", dependencies=[Depends(rate_limit("submit"))]
    )
    async def submit() -> dict[str, bool]:
        return {"ok": True}


async def test_submit_dependency(settings_factory: Callable[..., Settings]) -> None:
    settings = settings_factory(rate_limit_submit="2/minute")
    async with start_server(settings, _with_submit_route) as server, server.client() as api:
        h = bearer(await server.token_for("alice"))
        assert_problem(await api.post("/test-submit"), 401)
        for _ in range(2):
            r = await api.post("/test-submit", headers=h)
            assert r.status_code == 200
            assert r.headers["ratelimit-policy"] == '"submit";q=2;w=60'
        assert_problem(await api.post("/test-submit", headers=h), 429)


async def test_submitting_operations_is_limited_per_user(settings_factory: Callable[..., Settings]) -> None:
    settings = settings_factory(rate_limit_submit="2/minute")
    async with start_server(settings) as server, server.client() as api:
        alice = bearer(await server.token_for("alice"))
        body = {"workflow": "demo.sleep", "params": {"steps": 1, "step_s": 0}}
        for left in (1, 0):
            r = await api.post("/operations", json=body, headers=alice)
            assert r.status_code == 202, r.text
            assert r.headers["ratelimit-policy"] == '"submit";q=2;w=60'
            assert remaining(r) == {"submit": left}
        refused = await api.post("/operations", json=body, headers=alice)
        assert_refused_by(refused, "submit", quota=2, window_s=60)
        assert "Rate limit 'submit' exceeded" in refused.json()["detail"]
        # Refused before anything was created; reads are another policy and still go through.
        listed = await api.get("/operations", headers=alice)
        assert len(listed.json()["items"]) == 2
        assert listed.headers["ratelimit-policy"].startswith('"read";')


async def test_rate_limits_shared_through_redis(
    settings_factory: Callable[..., Settings], redis_url: str
) -> None:
    settings = settings_factory(rate_limit_read="3/minute", redis_url=redis_url)
    async with start_server(settings) as one, start_server(settings) as two:
        token = await one.token_for("alice")
        async with one.client(token) as a, two.client(token) as b:
            assert remaining(await a.get("/users/me")) == {"read": 2}
            assert remaining(await b.get("/users/me")) == {"read": 1}  # counted by the other process
            assert remaining(await a.get("/users/me")) == {"read": 0}
            assert_refused_by(await b.get("/users/me"), "read", quota=3, window_s=60)


async def test_limiter_fails_open_when_storage_is_down(settings_factory: Callable[..., Settings]) -> None:
    settings = settings_factory(redis_url="redis://127.0.0.1:1/0")  # nothing listens on port 1
    async with start_server(settings) as server, server.client() as api:
        await server.create_user("alice")
        r = await api.post("/auth/token", data={"username": "alice", "password": "correct horse battery"})
        assert r.status_code == 200
        assert "ratelimit" not in r.headers
