"""A bounded, coalescing queue between an event subscription and one (possibly slow) socket.

A client that reads slowly must cost a bounded amount of memory and never slow anyone else down.
The outbox holds at most ``capacity`` events. When it is full:

* a progress event replaces the pending progress event of the same operation, if that is the
  operation's newest pending event (latest wins; the client sees one ``seq`` jump over progress
  events only, and the order within an operation is kept);
* any other event (status, stage, log) waits for room. The producer then stops reading its
  subscription; the broker marks that subscription lagged and the core's ``subscribe`` catches up
  from the persisted log once the client drains, so nothing but coalesced progress is ever lost.
"""

from __future__ import annotations

import asyncio
from collections import deque

from underway.operations.models import EventType, OperationEvent


class Outbox:
    """One producer (the subscription) and one consumer (the socket); ``close`` may be called from
    a ``finally`` (it does not wait)."""

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._capacity = capacity
        self._items: deque[OperationEvent] = deque()
        self._ready = asyncio.Event()  # set when an item or the close arrived
        self._room = asyncio.Event()  # set when an item left
        self._closed = False
        self.coalesced = 0  # progress events replaced by a newer one

    def __len__(self) -> int:
        return len(self._items)

    async def put(self, event: OperationEvent) -> None:
        while len(self._items) >= self._capacity:
            if self._coalesce(event):
                return
            self._room.clear()
            await self._room.wait()
        self._items.append(event)
        self._ready.set()

    async def get(self) -> OperationEvent | None:
        """The next event; None once the outbox is closed and drained."""
        while not self._items:
            if self._closed:
                return None
            self._ready.clear()
            await self._ready.wait()
        event = self._items.popleft()
        self._room.set()
        return event

    def close(self) -> None:
        """No more puts: ``get`` returns what is left, then None."""
        self._closed = True
        self._ready.set()

    def _coalesce(self, event: OperationEvent) -> bool:
        if event.type is not EventType.PROGRESS:
            return False
        for i in range(len(self._items) - 1, -1, -1):
            pending = self._items[i]
            if pending.operation_id != event.operation_id:
                continue
            if pending.type is not EventType.PROGRESS:
                return False  # replacing an earlier one would reorder it around this stage/status
            self._items[i] = event
            self.coalesced += 1
            return True
        return False
