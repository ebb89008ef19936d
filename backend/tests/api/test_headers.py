"""Security headers and CORS."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from tests.api.conftest import start_server
from underway.settings import Settings


async def test_security_headers_on_api_responses(api: httpx.AsyncClient) -> None:
    for r in (await api.get("/health"), await api.get("/users/me"), await api.get("/nowhere")):
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["referrer-policy"] == "no-referrer"
        assert r.headers["cache-control"] == "no-store"
        assert r.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"


async def test_docs_page_is_not_broken_by_the_csp(api: httpx.AsyncClient) -> None:
    r = await api.get("/docs")
    assert r.status_code == 200
    assert "content-security-policy" not in r.headers


async def test_cors_is_off_by_default(api: httpx.AsyncClient) -> None:
    r = await api.get("/health", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in r.headers


async def test_cors_when_configured(settings_factory: Callable[..., Settings]) -> None:
    settings = settings_factory(cors_origins="https://app.example")
    async with start_server(settings) as server, server.client() as api:
        preflight = await api.options(
            "/api-keys",
            headers={
                "Origin": "https://app.example",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, content-type",
            },
        )
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == "https://app.example"
        assert "access-control-allow-credentials" not in preflight.headers

        r = await api.get("/users/me", headers={"Origin": "https://app.example"})
        assert r.status_code == 401  # errors are readable cross-origin too
        assert r.headers["access-control-allow-origin"] == "https://app.example"
        exposed = {h.strip().lower() for h in r.headers["access-control-expose-headers"].split(",")}
        assert {"ratelimit", "ratelimit-policy", "retry-after", "location"} <= exposed

        other = await api.get("/health", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers
