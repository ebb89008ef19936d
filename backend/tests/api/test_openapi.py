"""The published OpenAPI document: operation ids, security schemes, problem+json errors."""

from __future__ import annotations

import httpx


async def test_operation_ids(api: httpx.AsyncClient) -> None:
    spec = (await api.get("/openapi.json")).json()
    ids = {op["operationId"] for path in spec["paths"].values() for op in path.values()}
    assert {
        "auth-token",
        "users-me",
        "apiKeys-create",
        "apiKeys-list",
        "apiKeys-revoke",
        "adminUsers-list",
        "adminUsers-create",
        "adminUsers-get",
        "adminUsers-update",
        "health-live",
        "health-ready",
        "metrics-scrape",
    } <= ids
    schemes = spec["components"]["securitySchemes"]
    assert schemes["password"]["type"] == "oauth2"
    assert schemes["apiKey"]["scheme"] == "bearer"


async def test_errors_are_documented_as_problems(api: httpx.AsyncClient) -> None:
    spec = (await api.get("/openapi.json")).json()
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    token = spec["paths"]["/api/v1/auth/token"]["post"]["responses"]
    assert token["401"]["content"] == problem
    assert token["422"]["content"] == problem
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    assert {"type", "title", "status", "detail", "instance"} <= set(
        spec["components"]["schemas"]["Problem"]["properties"]
    )
