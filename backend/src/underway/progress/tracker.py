"""Overall percent (weighted by stage) and ETA for one running operation.

ETA method (documented in docs/architecture.md):
* rate estimate: the rest of the current stage at its own measured pace (time in the stage divided by
  its fraction done), plus every later stage at its expected duration, or, when none is known, at the
  operation's pace so far per unit of stage weight. A stage that has not reported yet is counted at
  that overall pace too. Pacing the current stage by itself keeps a quick first stage from making a
  long second one look quick;
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

# A measured pace is noise until the stage is this far along, or has reported for this long.
_MIN_FRACTION_FOR_RATE = 0.01
_MIN_SECONDS_FOR_RATE = 1.0


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
        rate = self._rate_eta()
        hist = self._history_eta()
        if rate is None:
            return hist
        if hist is None:
            return max(0.0, rate)
        fraction_done = self._percent / 100.0
        return max(0.0, fraction_done * rate + (1.0 - fraction_done) * hist)

    def _rate_eta(self) -> float | None:
        if self._stage_i is None:
            return None
        now = self._clock()
        current = self._stages[self._stage_i]
        in_stage = now - self._stage_started
        done_weight = sum(s.weight for s in self._stages[: self._stage_i]) + current.weight * self._fraction
        # Seconds per unit of weight over the whole run so far: for stages with nothing better.
        pace = (now - self._started) / done_weight if done_weight > 0 else None
        measured = self._fraction >= _MIN_FRACTION_FOR_RATE or (
            self._fraction > 0 and in_stage >= _MIN_SECONDS_FOR_RATE
        )
        if measured:
            current_left = in_stage * (1.0 - self._fraction) / self._fraction
        elif pace is not None and self._percent >= 100 * _MIN_FRACTION_FOR_RATE:
            current_left = max(current.weight * pace - in_stage, 0.0)
        else:
            return None
        later = 0.0
        for stage in self._stages[self._stage_i + 1 :]:
            expected = self._expected[stage.name]
            if expected is None:
                if pace is None:
                    return None
                expected = stage.weight * pace
            later += expected
        return current_left + later

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
