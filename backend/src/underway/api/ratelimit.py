"""Rate limits (the ``limits`` library, moving window) and their response headers.

Headers follow the IETF httpapi draft "RateLimit header fields for HTTP" (draft-ietf-httpapi-
ratelimit-headers-09): each checked policy is listed in ``RateLimit-Policy`` with its quota ``q`` and
window ``w`` in seconds, and in ``RateLimit`` with the remaining quota ``r`` and the seconds ``t``
until quota frees up, e.g. ``RateLimit-Policy: "submit";q=30;w=60`` and
``RateLimit: "submit";r=12;t=41``. A 429 also carries ``Retry-After``.

Counters live in memory (per process) unless ``UNDERWAY_REDIS_URL`` points at a shared Redis.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string
from starlette.requests import HTTPConnection

from underway.api.middleware.headers import add_response_header
from underway.settings import Settings

log = logging.getLogger(__name__)


class RateLimited(Exception):
    def __init__(self, policy: str, retry_after: int) -> None:
        super().__init__(f"rate limit {policy!r} exceeded")
        self.policy = policy
        self.retry_after = retry_after


@dataclass(frozen=True)
class Verdict:
    policy: str
    allowed: bool
    quota: int
    window_s: int
    remaining: int
    reset_s: int

    def policy_header(self) -> str:
        return f'"{self.policy}";q={self.quota};w={self.window_s}'

    def state_header(self) -> str:
        return f'"{self.policy}";r={self.remaining};t={self.reset_s}'


def storage_uri(redis_url: str | None) -> str:
    if not redis_url:
        return "async+memory://"
    return redis_url if redis_url.startswith("async+") else f"async+{redis_url}"


class RateLimiter:
    def __init__(
        self,
        policies: dict[str, RateLimitItem],
        redis_url: str | None = None,
        on_reject: Callable[[str], None] | None = None,
    ) -> None:
        uri = storage_uri(redis_url)
        # redis-py is installed (limits[redis]); the library's default async Redis client is coredis.
        options: dict[str, str] = {"implementation": "redispy"} if redis_url else {}
        self._limiter = MovingWindowRateLimiter(storage_from_string(uri, **options))
        self._policies = policies
        self._on_reject = on_reject

    @classmethod
    def from_settings(cls, settings: Settings, on_reject: Callable[[str], None] | None = None) -> RateLimiter:
        return cls(
            {
                "submit": parse(settings.rate_limit_submit),
                "read": parse(settings.rate_limit_read),
                "login-ip": parse(settings.rate_limit_login),
                "login-user": parse(settings.rate_limit_login),
                "chat": parse(settings.rate_limit_chat),
            },
            settings.redis_url,
            on_reject,
        )

    async def hit(self, policy: str, key: str) -> Verdict | None:
        """Count one request against ``policy`` for ``key``; None when the storage is unreachable."""
        item = self._policies[policy]
        try:
            allowed = await self._limiter.hit(item, "underway", policy, key)
            stats = await self._limiter.get_window_stats(item, "underway", policy, key)
        except Exception:
            # Fail open: a Redis outage should slow nobody down to zero. Logins stay expensive
            # (argon2) even without the limit.
            log.exception("rate-limit storage unavailable; not limiting %s", policy)
            return None
        return Verdict(
            policy=policy,
            allowed=allowed,
            quota=item.amount,
            window_s=item.get_expiry(),
            remaining=max(0, stats.remaining),
            reset_s=max(0, math.ceil(stats.reset_time - time.time())),
        )

    async def retry_after(self, policy: str, key: str) -> int | None:
        """Count one hit without a request (the chat interfaces: messages, and submissions from
        chats, on the same counters as the API); seconds to wait when spent, else None."""
        verdict = await self.hit(policy, key)
        if verdict is None or verdict.allowed:
            return None
        if self._on_reject is not None:
            self._on_reject(policy)
        return max(1, verdict.reset_s)

    async def enforce(self, conn: HTTPConnection, checks: Iterable[tuple[str, str]]) -> None:
        """Count the request against each ``(policy, key)``; raise RateLimited if any is spent."""
        verdicts = [v for policy, key in checks if (v := await self.hit(policy, key)) is not None]
        if not verdicts:
            return
        _announce(conn, verdicts)
        blocked = [v for v in verdicts if not v.allowed]
        if blocked:
            if self._on_reject is not None:
                for v in blocked:
                    self._on_reject(v.policy)
            worst = max(blocked, key=lambda v: v.reset_s)
            raise RateLimited(worst.policy, retry_after=max(1, worst.reset_s))

    def spent(self, conn: HTTPConnection, policy: str, retry_after: int) -> RateLimited:
        """The 429 for a quota counted outside the request (the chat core counts its own messages),
        with the same RateLimit headers as :meth:`enforce` gives."""
        item = self._policies[policy]
        _announce(conn, [Verdict(policy, False, item.amount, item.get_expiry(), 0, retry_after)])
        return RateLimited(policy, retry_after)


def _announce(conn: HTTPConnection, verdicts: list[Verdict]) -> None:
    add_response_header(conn, "RateLimit-Policy", ", ".join(v.policy_header() for v in verdicts))
    add_response_header(conn, "RateLimit", ", ".join(v.state_header() for v in verdicts))


def client_ip(conn: HTTPConnection) -> str:
    # Behind a reverse proxy this is the proxy unless uvicorn trusts its X-Forwarded-For
    # (--proxy-headers --forwarded-allow-ips).
    return conn.client.host if conn.client else "unknown"
