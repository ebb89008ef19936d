"""Accounts and API keys read by bearer authentication, kept for a moment.

Reading the account on every request is what makes disabling a user or revoking a key take effect
"at the next request"; it is also most of what an authenticated request costs. The cache keeps
what was read for ``ttl_s`` (a second by default): a change made through this process clears it,
so it applies here at once, and other processes see it within ``ttl_s``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")

_MAX_ENTRIES = 10_000  # bounded: a flood of distinct credentials cannot grow it without limit


class AccountCache(Generic[V]):
    def __init__(self, ttl_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl_s
        self._clock = clock
        self._entries: dict[Hashable, tuple[float, V]] = {}

    def get(self, key: Hashable) -> V | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry[0] <= self._clock():
            del self._entries[key]
            return None
        return entry[1]

    def put(self, key: Hashable, value: V) -> None:
        if self._ttl <= 0:
            return
        if len(self._entries) >= _MAX_ENTRIES:
            self._entries.clear()
        self._entries[key] = (self._clock() + self._ttl, value)

    def clear(self) -> None:
        """An account or key changed here: read everything again."""
        self._entries.clear()
