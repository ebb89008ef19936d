"""Overall percent (weighted by stage) and ETA for one running operation.

ETA method (documented in docs/architecture.md):
* rate estimate: time spent so far divided by the overall fraction done, times what remains;
* history estimate: the rest of the current stage plus every later stage, each at its mean duration
  over earlier completed runs of the workflow (or its declared ``expected_duration_s``); the rest of
  the current stage is its reported fraction of that duration, or, while it has reported none, that
  duration minus the time spent in it;
* both known: blend them, trusting the measured rate more as the operation advances
  (weight = fraction done), so an estimate exists from the first second and converges on the truth.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from underway.operations.models import Progress

if TYPE_CHECKING:  # a runtime import would cycle through underway.workflows
    from underway.workflows.definition import Stage

# Below this much progress a rate-only estimate is noise; wait for history or more progress.
_MIN_FRACTION_FOR_RATE = 0.01


class ProgressTracker:
    def __init__(
        self,
        stages: Sequence[Stage],
        history_s: Mapping[str, float] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._stages = list(stages)
        self._index = {s.name: i for i, s in enumerate(self._stages)}
        self._total_weight = sum(s.weight for s in self._stages)
        self._expected = {s.name: (history_s or {}).get(s.name, s.expected_duration_s) for s in self._stages}
        self._clock = clock
        self._started = clock()
        self._stage_i: int | None = None
        self._stage_started = self._started
        self._fraction = 0.0
        self._percent = 0.0
        self.message: str | None = None
        self.stage_durations: dict[str, float] = {}

    @property
    def stage(self) -> str | None:
        return None if self._stage_i is None else self._stages[self._stage_i].name

    @property
    def stage_names(self) -> list[str]:
        return list(self._index)

    def require_stage(self, name: str) -> None:
        """Raise ``ValueError`` unless ``name`` is a declared stage."""
        if name not in self._index:
            raise ValueError(f"unknown stage {name!r}; declared: {list(self._index)}")

    def enter_stage(self, name: str) -> None:
        self.require_stage(name)
        now = self._clock()
        if self._stage_i is not None:
            prev = self._stages[self._stage_i].name
            self.stage_durations[prev] = self.stage_durations.get(prev, 0.0) + now - self._stage_started
        self._stage_i = self._index[name]
        self._stage_started = now
        self._fraction = 0.0
        self.message = None
        self._recompute()

    def finish_stage(self) -> None:
        """Record the current stage's duration (called when the workflow returns)."""
        if self._stage_i is not None:
            self._fraction = 1.0
            self._recompute()
            name = self._stages[self._stage_i].name
            self.stage_durations[name] = (
                self.stage_durations.get(name, 0.0) + self._clock() - self._stage_started
            )

    def update(self, fraction: float) -> None:
        """The current stage is ``fraction`` done (clamped to 0..1)."""
        if self._stage_i is None:
            raise RuntimeError("progress needs a stage: enter one first")
        self._fraction = min(1.0, max(0.0, fraction))
        self._recompute()

    def _recompute(self) -> None:
        assert self._stage_i is not None
        done = sum(s.weight for s in self._stages[: self._stage_i])
        current = self._stages[self._stage_i].weight * self._fraction
        # Percent never goes down while running, even if a stage is re-entered.
        self._percent = max(self._percent, min(100.0, 100.0 * (done + current) / self._total_weight))

    def eta_s(self) -> float | None:
        fraction_done = self._percent / 100.0
        elapsed = self._clock() - self._started
        rate = None
        if fraction_done >= _MIN_FRACTION_FOR_RATE:
            rate = elapsed * (1.0 - fraction_done) / fraction_done
        hist = self._history_eta()
        if rate is None:
            return hist
        if hist is None:
            return max(0.0, rate)
        return max(0.0, fraction_done * rate + (1.0 - fraction_done) * hist)

    def _history_eta(self) -> float | None:
        start = self._stage_i or 0
        total = 0.0
        for i in range(start, len(self._stages)):
            expected = self._expected[self._stages[i].name]
            if expected is None:
                return None
            if i == self._stage_i:
                if self._fraction > 0:  # the stage says how far it is
                    expected *= 1.0 - self._fraction
                else:  # it says nothing (yet): count its usual duration down
                    expected = max(expected - (self._clock() - self._stage_started), 0.0)
            total += expected
        return total

    def snapshot(self) -> Progress:
        eta = self.eta_s()
        return Progress(
            percent=round(self._percent, 3),
            stage=self.stage,
            stage_index=self._stage_i,
            total_stages=len(self._stages),
            message=self.message,
            eta_s=None if eta is None else round(eta, 1),
        )
