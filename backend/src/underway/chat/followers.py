"""Progress followers: one task per operation started from a bot chat, telling the chat about it.

A follower subscribes to the operation's events through the operation service (from the last seq
it showed, so nothing is shown twice), asks the channel's notifier what is worth showing and when
(Telegram: the latest state, throttled per chat; WhatsApp: each new stage), and at the end sends
the outcome, result and files, and stores that summary in the chat's history.

Its state lives in ``chat_followers``, claimed by the process that follows it and renewed every
heartbeat. At a clean stop the claims are released; after a crash they lapse. Either way the next
heartbeat of any API process (or the next start) takes the follower over and resumes it from the
stored seq: progress shown late or not at all while nobody followed, but the final result always
reaches the chat (at least once: a process that lost its claim while stalled may also send it).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Protocol

from underway.chat.models import Channel
from underway.chat.store.followers import Follower, FollowerStore
from underway.chat.store.inbound import InboundLog
from underway.chat.store.sessions import SessionStore
from underway.operations.errors import OperationNotFound
from underway.operations.models import EventType, Operation, OperationEvent
from underway.operations.service import OperationService

log = logging.getLogger(__name__)

_FINISH_ATTEMPTS = 4
_SWEEP_EVERY = 720  # heartbeats between clean-ups of old dedupe keys (an hour at 5 s)


class Notifier(Protocol):
    """How one channel shows an operation's progress."""

    def wants(self, follower: Follower, event: OperationEvent) -> bool:
        """Whether this event changes what the chat should see."""
        ...

    def wait_s(self, follower: Follower) -> float:
        """Seconds before the chat may be written to again (0: now)."""
        ...

    async def show(self, follower: Follower, event: OperationEvent) -> bool:
        """Show the event's state; False when it could not (then it is tried again later)."""
        ...

    async def finish(self, follower: Follower, op: Operation) -> str:
        """Send the outcome (text, files); return the summary to keep in the chat's history."""
        ...


def _is_terminal(event: OperationEvent) -> bool:
    return event.type is EventType.STATUS and event.status.is_terminal


class FollowerSupervisor:
    def __init__(
        self,
        service: OperationService,
        store: FollowerStore,
        sessions: SessionStore,
        inbound: InboundLog,
        notifiers: dict[Channel, Notifier],
        *,
        heartbeat_s: float,
    ) -> None:
        self._service = service
        self._store = store
        self._sessions = sessions
        self._inbound = inbound
        self._notifiers = notifiers
        self._heartbeat_s = heartbeat_s
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._heartbeat: asyncio.Task[None] | None = None

    def follows(self, channel: Channel) -> bool:
        return channel in self._notifiers

    async def start(self) -> None:
        await self._take_over_orphans()
        self._heartbeat = asyncio.create_task(self._beat(), name="chat-followers-heartbeat")

    async def stop(self) -> None:
        tasks = [t for t in (self._heartbeat, *self._tasks.values()) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
        try:
            await self._store.release()
        except Exception:
            log.exception("could not release chat followers; they resume once their claims lapse")

    async def follow(self, follower: Follower) -> None:
        """Start following an operation just started from a chat."""
        if not self.follows(follower.channel):
            return
        await self._store.add(follower)
        self._spawn(follower)

    def _spawn(self, follower: Follower) -> None:
        if follower.operation_id in self._tasks:
            return
        task = asyncio.create_task(self._run(follower), name=f"chat-follower-{follower.operation_id}")
        self._tasks[follower.operation_id] = task
        task.add_done_callback(lambda _t: self._tasks.pop(follower.operation_id, None))

    async def _beat(self) -> None:
        beats = 0
        while True:
            await asyncio.sleep(self._heartbeat_s)
            beats += 1
            try:
                await self._store.renew()
                await self._take_over_orphans()
                if beats % _SWEEP_EVERY == 0:
                    await self._inbound.forget_old()
            except Exception:
                log.exception("chat followers' heartbeat failed; retrying at the next one")

    async def _take_over_orphans(self) -> None:
        for follower in await self._store.claim_orphans():
            if self.follows(follower.channel):
                log.info("resuming the chat follower of operation %s", follower.operation_id)
                self._spawn(follower)

    # -- one follower ---------------------------------------------------------------------------------

    async def _run(self, follower: Follower) -> None:
        notifier = self._notifiers[follower.channel]
        try:
            op = await self._service.get(follower.operation_id)
        except OperationNotFound:
            await self._store.finish(follower.operation_id)
            return
        follower.workflow = op.workflow
        try:
            await self._follow_events(follower, notifier)
        except OperationNotFound:
            await self._store.finish(follower.operation_id)
            return
        await self._finish(follower, notifier)

    async def _follow_events(self, follower: Follower, notifier: Notifier) -> None:
        events: asyncio.Queue[OperationEvent | None] = asyncio.Queue()
        pump = asyncio.create_task(self._pump(follower, events))
        pending: OperationEvent | None = None
        try:
            while True:
                if pending is not None and notifier.wait_s(follower) <= 0:
                    if await self._show(follower, notifier, pending):
                        pending = None
                    continue
                timeout = None if pending is None else notifier.wait_s(follower)
                try:
                    event = await asyncio.wait_for(events.get(), timeout)
                except TimeoutError:
                    continue
                if event is None:
                    await pump  # re-raises what ended the stream (OperationNotFound)
                    return
                if _is_terminal(event):
                    return
                if notifier.wants(follower, event):
                    pending = event
        finally:
            pump.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pump

    async def _pump(self, follower: Follower, events: asyncio.Queue[OperationEvent | None]) -> None:
        try:
            async for event in self._service.subscribe(follower.operation_id, after_seq=follower.last_seq):
                await events.put(event)
        finally:
            events.put_nowait(None)

    async def _show(self, follower: Follower, notifier: Notifier, event: OperationEvent) -> bool:
        try:
            shown = await notifier.show(follower, event)
        except Exception:
            log.exception("could not show progress of operation %s", follower.operation_id)
            return True  # the next event shows the newer state anyway
        if shown:
            follower.last_seq = event.seq
            await self._store.save(follower)
        return shown

    async def _finish(self, follower: Follower, notifier: Notifier) -> None:
        op = await self._service.get(follower.operation_id)
        for attempt in range(_FINISH_ATTEMPTS):
            try:
                text = await notifier.finish(follower, op)
                break
            except Exception:
                log.warning(
                    "could not send the outcome of operation %s (attempt %d)",
                    follower.operation_id,
                    attempt + 1,
                    exc_info=True,
                )
                await asyncio.sleep(2**attempt)
        else:
            text = None
        if text is not None:
            await self._sessions.append(follower.session_id, text)
        await self._store.finish(follower.operation_id)
