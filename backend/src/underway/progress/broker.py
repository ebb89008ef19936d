"""In-process publish/subscribe of persisted events (this process's and, through the change feed,
other processes').

Publishing never blocks: each subscriber has a bounded queue, and a subscriber that falls behind is
marked *lagged* instead of slowing the publisher. A lagged per-operation subscriber catches up from the
persisted log (every published event is already stored), so it loses nothing; the all-operations feed
(for dashboards) simply skips what it missed.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable

from underway.operations.models import OperationEvent

_ALL = "*"


class Lagged(Exception):
    """The subscriber missed events; read the persisted log from the last seen ``seq``."""


class Subscription:
    def __init__(self, broker: EventBroker, key: str, maxsize: int) -> None:
        self._broker = broker
        self._key = key
        # None wakes a waiting reader to find that it lagged (see resync).
        self._queue: asyncio.Queue[OperationEvent | None] = asyncio.Queue(maxsize)
        self.lagged = False

    def _offer(self, event: OperationEvent) -> None:
        if self.lagged:
            return
        try:
            self._queue.put_nowait(event)
        except asyncio.QueueFull:
            self.lagged = True

    def _resync(self) -> None:
        if not self.lagged:
            self.lagged = True
            with contextlib.suppress(asyncio.QueueFull):
                self._queue.put_nowait(None)

    async def get(self) -> OperationEvent:
        """The next live event; raises :class:`Lagged` once events were dropped for this subscriber."""
        while True:
            if self.lagged and self._queue.empty():
                self.lagged = False
                raise Lagged
            event = await self._queue.get()
            if event is not None:
                return event

    def close(self) -> None:
        self._broker._remove(self._key, self)

    def __enter__(self) -> Subscription:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


class EventBroker:
    def __init__(self, queue_size: int = 1024) -> None:
        self._subs: dict[str, set[Subscription]] = {}
        self._queue_size = queue_size
        # Newest seq published (or known read) per operation someone follows here: what a check
        # against the log compares with (see FeedRelay.find_lost).
        self._newest: dict[str, int] = {}

    def subscribe(self, operation_id: str) -> Subscription:
        return self._add(operation_id)

    def subscribe_all(self) -> Subscription:
        return self._add(_ALL)

    def publish(self, events: Iterable[OperationEvent]) -> None:
        for event in events:
            subs = self._subs.get(event.operation_id)
            if subs:
                if event.seq > self._newest.get(event.operation_id, 0):
                    self._newest[event.operation_id] = event.seq
                for sub in subs:
                    sub._offer(event)
            for sub in self._subs.get(_ALL, ()):
                sub._offer(event)

    def wants(self, operation_id: str) -> bool:
        """Whether anyone here listens to this operation's events (so they are worth reading)."""
        return operation_id in self._subs or _ALL in self._subs

    def followed(self) -> dict[str, int]:
        """Operations with subscribers here, each with the newest seq published to them."""
        return {op: self._newest.get(op, 0) for op in self._subs if op != _ALL}

    def catch_up(self, operation_id: str, newest_seq: int) -> None:
        """The log of ``operation_id`` has events up to ``newest_seq`` that were never published
        here: its subscribers re-read the log (they skip what they already have)."""
        for sub in self._subs.get(operation_id, ()):
            sub._resync()
        if operation_id in self._subs:
            self._newest[operation_id] = max(newest_seq, self._newest.get(operation_id, 0))

    def resync(self) -> None:
        """Events may have been missed (the change feed reconnected): every subscriber re-reads."""
        for subs in self._subs.values():
            for sub in subs:
                sub._resync()

    @property
    def subscriber_count(self) -> int:
        """How many subscriptions are open (lets a caller wait until a feed listens)."""
        return sum(len(s) for s in self._subs.values())

    def _add(self, key: str) -> Subscription:
        sub = Subscription(self, key, self._queue_size)
        self._subs.setdefault(key, set()).add(sub)
        return sub

    def _remove(self, key: str, sub: Subscription) -> None:
        subs = self._subs.get(key)
        if subs is not None:
            subs.discard(sub)
            if not subs:
                del self._subs[key]
                self._newest.pop(key, None)
