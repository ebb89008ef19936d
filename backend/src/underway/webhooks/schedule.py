"""When a failed delivery is tried again: a schedule of delays with jitter.

The default (``UNDERWAY_WEBHOOK_RETRY_SCHEDULE_S``) is Svix's: at once, then 5 s, 5 min, 30 min,
2 h, 5 h, 10 h and 10 h after each failure (8 attempts over about 28 hours). Each delay gets up to
10% random jitter, so receivers coming back from an outage are not hit by every retry at once.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

JITTER = 0.1


@dataclass(frozen=True)
class RetrySchedule:
    delays_s: tuple[float, ...]

    @classmethod
    def of(cls, delays: Sequence[float]) -> RetrySchedule:
        return cls(tuple(float(d) for d in delays))

    @property
    def attempts(self) -> int:
        return len(self.delays_s)

    def first_delay_s(self) -> float:
        return self.delays_s[0]

    def delay_after_failure_s(self, remaining: int) -> float:
        """The delay before the next attempt, when ``remaining`` attempts are left (> 0)."""
        base = self.delays_s[self.attempts - remaining]
        return base * (1 + random.uniform(0, JITTER))  # noqa: S311 (jitter, not security)
