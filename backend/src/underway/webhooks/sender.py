"""One delivery attempt: POST the signed body, bounded in time and in how much answer is read."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

import httpx

from underway import __version__
from underway.webhooks.addresses import AddressPolicy, UnsafeUrl
from underway.webhooks.models import WebhookAttempt
from underway.webhooks.transport import guarded_client

MAX_RESPONSE_READ = 64 * 1024  # read at most this much of an answer...
MAX_RESPONSE_KEPT = 2 * 1024  # ...and keep this much in the delivery log
USER_AGENT = f"Underway-Webhooks/{__version__}"


class Sender:
    def __init__(self, policy: AddressPolicy, timeout_s: float) -> None:
        self._timeout_s = timeout_s
        self._client = guarded_client(policy, timeout_s, USER_AGENT)

    async def close(self) -> None:
        await self._client.aclose()

    async def send(self, url: str, body: str, headers: dict[str, str]) -> WebhookAttempt:
        """Never raises for the receiver's sake: every failure is an attempt with an ``error``."""
        started_at = datetime.now(UTC)
        start = time.monotonic()
        status: int | None = None
        text: str | None = None
        error: str | None = None
        try:
            async with asyncio.timeout(self._timeout_s):
                async with self._client.stream(
                    "POST",
                    url,
                    content=body.encode("utf-8"),
                    headers={**headers, "Content-Type": "application/json"},
                ) as response:
                    status = response.status_code
                    text = await _read_bounded(response)
        except UnsafeUrl as exc:
            error = f"refused: {exc}"
        except TimeoutError:
            error = f"no answer within {self._timeout_s:g} s"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        return WebhookAttempt(
            attempted_at=started_at,
            status_code=status,
            latency_ms=round((time.monotonic() - start) * 1000),
            response_body=text,
            error=error,
        )


async def _read_bounded(response: httpx.Response) -> str:
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_raw():
        chunks.append(chunk)
        size += len(chunk)
        if size >= MAX_RESPONSE_READ:
            break  # the rest is not read: closing the stream drops the connection
    return b"".join(chunks)[:MAX_RESPONSE_KEPT].decode("utf-8", errors="replace")
