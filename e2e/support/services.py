"""Which databases the suite runs on, and the services those variants need.

A service the suite needs is skipped on a developer's machine that lacks it, but is an error in CI
(``CI`` set), so CI can never go green by silently skipping a variant.
"""

from __future__ import annotations

import os

import pytest
import redis

from support.server import postgres_admin_url, postgres_problem

DATABASES = tuple(
    d.strip() for d in os.environ.get("UNDERWAY_E2E_DATABASES", "sqlite,postgres").split(",") if d
)
REDIS_URL = os.environ.get("UNDERWAY_E2E_REDIS_URL", "redis://127.0.0.1:6379/0")


def _unavailable(what: str, where: str, problem: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} is required in CI but unreachable ({where}): {problem}")
    pytest.skip(f"{what} unreachable ({where}): {problem}")


def require_postgres() -> None:
    problem = postgres_problem(postgres_admin_url())
    if problem is not None:
        _unavailable("PostgreSQL", postgres_admin_url(), problem)


def require_redis() -> str:
    """The Redis URL, once Redis answers a ping."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        _unavailable("Redis", REDIS_URL, str(exc))
    return REDIS_URL
