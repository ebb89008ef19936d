"""The delivery loop: claims due deliveries, signs and sends them, records each attempt.

It runs in every ``underway serve`` and ``underway worker`` process (not in ``underway run``).
It wakes when an operation of any process starts or finishes (the change feed: NOTIFY on
PostgreSQL, ``data_version`` on SQLite; at most once per ``FEED_PAUSE_S``), when this process queues a delivery (test, resend,
replay), and otherwise when the next retry or lease is due, at least every ``IDLE_S``.
Deliveries are at least once: a process that dies mid-attempt leaves a lease that runs out, and
another process sends the same delivery again, with the same ``webhook-id``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from underway.store.writer.transaction import Change
from underway.webhooks.events import EVENT_OF_STATUS
from underway.webhooks.keys import SigningKeys
from underway.webhooks.models import DeliveryStatus, WebhookAttempt
from underway.webhooks.repository import Claimed, Outcome, WebhookRepository
from underway.webhooks.schedule import RetrySchedule
from underway.webhooks.secret_box import SecretUnreadable
from underway.webhooks.sender import Sender
from underway.webhooks.signing import sign_headers

log = logging.getLogger(__name__)

IDLE_S = 30.0
_RECHECK_S = 0.5
# Under load operations start and finish hundreds of times a second, and most of those changes make
# no delivery: the feed's wake-ups are folded into at most one look per pause (a delivery waits at
# most this much longer; explicit wake-ups, such as a test event, still look at once).
FEED_PAUSE_S = 0.1
CONCURRENCY = 16
_WAKING = frozenset(EVENT_OF_STATUS)  # the statuses that make deliveries


class Deliverer:
    def __init__(
        self,
        repo: WebhookRepository,
        keys: SigningKeys,
        sender: Sender,
        schedule: RetrySchedule,
        *,
        timeout_s: float,
        disable_after_s: float,
    ) -> None:
        self._repo = repo
        self._keys = keys
        self._sender = sender
        self._schedule = schedule
        # Long enough for one attempt (bounded by the timeout) and its bookkeeping.
        self._lease_s = 2 * timeout_s + 1
        self._disable_after_s = disable_after_s
        self._wake = asyncio.Event()
        self._looked_at = 0.0  # loop time of the last look at what is due
        self._feed_timer: asyncio.TimerHandle | None = None
        self._task: asyncio.Task[None] | None = None
        self._in_flight: set[asyncio.Task[None]] = set()
        self._stopping = False

    def wake(self) -> None:
        self._wake.set()

    def on_changes(self, changes: Sequence[Change]) -> None:
        """Feed listener: an operation started or finished somewhere (an empty list: anything)."""
        if changes and not any(c.status in _WAKING for c in changes):
            return
        if self._feed_timer is not None:
            return  # a look is already planned
        loop = asyncio.get_running_loop()
        at = self._looked_at + FEED_PAUSE_S
        if at <= loop.time():
            self._wake.set()
        else:
            self._feed_timer = loop.call_at(at, self._feed_due)

    def _feed_due(self) -> None:
        self._feed_timer = None
        self._wake.set()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="underway-webhooks")

    async def stop(self) -> None:
        """Stop claiming; attempts under way are abandoned (their leases run out, others retry)."""
        self._stopping = True
        if self._feed_timer is not None:
            self._feed_timer.cancel()
        tasks = [t for t in (self._task, *self._in_flight) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._sender.close()

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while not self._stopping:
            self._wake.clear()
            self._looked_at = loop.time()
            try:
                wait_s = await self._step()
            except Exception:
                log.exception("webhook delivery loop failed; retrying")
                wait_s = 1.0
            if wait_s > 0:
                # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation that
                # arrives as the event is set, and the loop would then never stop.
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(wait_s):
                        await self._wake.wait()

    async def _step(self) -> float:
        """Send what is due, and say how long to wait before looking again. A claim is a write
        transaction, so it is made only when a read shows something due (most wake-ups, one per
        finished operation of any process, find nothing to send)."""
        due = await self._repo.next_due()
        now = _now()
        if due is None:
            return IDLE_S
        if due > now:
            return min(IDLE_S, (due - now).total_seconds())
        room = CONCURRENCY - len(self._in_flight)
        if room <= 0:
            return IDLE_S  # a finishing attempt wakes the loop
        claimed = await self._repo.claim(now, self._lease_s, room)
        for delivery in claimed:
            task = asyncio.create_task(self._deliver(delivery))
            self._in_flight.add(task)
            task.add_done_callback(self._done)
        # Something was due: look again at once if we took it (more may be due), a little later if
        # another process holds it.
        return 0.0 if claimed else _RECHECK_S

    def _done(self, task: asyncio.Task[None]) -> None:
        self._in_flight.discard(task)
        self._wake.set()  # room for more

    async def _deliver(self, claimed: Claimed) -> None:
        try:
            await self._attempt(claimed)
        except Exception:
            log.exception(
                "webhook delivery %s failed unexpectedly; it is retried when its lease ends", claimed.id
            )

    async def _attempt(self, claimed: Claimed) -> None:
        now = _now()
        if claimed.url is None or not claimed.endpoint_enabled:
            await self._repo.give_up(claimed, "the endpoint is disabled or deleted", now)
            return
        try:
            secrets = await self._secrets(claimed, now)
        except SecretUnreadable as exc:
            attempt = WebhookAttempt(attempted_at=now, latency_ms=0, error=str(exc))
            await self._repo.record(claimed, attempt, self._failure(claimed, now), self._disable_after_s)
            return
        headers = sign_headers(claimed.id, claimed.payload, secrets, now)
        attempt = await self._sender.send(claimed.url, claimed.payload, headers)
        await self._repo.record(claimed, attempt, self._outcome(claimed, attempt), self._disable_after_s)

    async def _secrets(self, claimed: Claimed, now: datetime) -> list[str]:
        if claimed.endpoint_id is None:
            return await self._keys.owner_secrets(claimed.owner, now)
        current, previous, until = claimed.sealed_secrets
        assert current is not None
        return self._keys.usable(current, previous, until, now)

    def _outcome(self, claimed: Claimed, attempt: WebhookAttempt) -> Outcome:
        status = attempt.status_code
        if status is not None and 200 <= status < 300:
            return Outcome(DeliveryStatus.SUCCEEDED, None, endpoint_healthy=True)
        if status == 410:
            return Outcome(
                DeliveryStatus.FAILED,
                None,
                endpoint_healthy=False,
                disable_reason="the receiver answered 410 Gone",
            )
        return self._failure(claimed, attempt.attempted_at)

    def _failure(self, claimed: Claimed, now: datetime) -> Outcome:
        remaining = claimed.remaining - 1
        if remaining <= 0:
            return Outcome(DeliveryStatus.FAILED, None, endpoint_healthy=False)
        delay = self._schedule.delay_after_failure_s(remaining)
        return Outcome(DeliveryStatus.PENDING, now + timedelta(seconds=delay), endpoint_healthy=False)


def _now() -> datetime:
    return datetime.now(UTC)
