"""The ETA: a measured rate, the history of earlier runs, declared durations, and their blend.

The tracker is pure arithmetic over a clock, so most of it is checked with a clock the test moves;
the last test checks the history path end to end, through the runtime."""

from __future__ import annotations

import pytest

from tests.conftest import wait_for_status
from underway.operations.models import EventType
from underway.operations.status import OperationStatus
from underway.progress.tracker import ProgressTracker
from underway.runtime import Runtime
from underway.workflows import Stage


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_no_estimate_from_a_first_instant_of_progress_without_history(clock: Clock) -> None:
    tracker = ProgressTracker([Stage(name="work")], clock=clock)
    tracker.enter_stage("work")
    clock.now += 0.2
    tracker.update(0.005)
    assert tracker.snapshot().eta_s is None, "half a percent in a blink says nothing about the rate"
    clock.now += 0.8
    tracker.update(0.005)
    assert tracker.snapshot().eta_s == pytest.approx(199.0), "a second of steady progress does"


def test_a_quick_first_stage_does_not_make_a_long_one_look_quick(clock: Clock) -> None:
    # Like demo.sleep: an instant "prepare" (weight 1), then a long "work" (weight 8), then "finish".
    stages = [Stage(name="prepare"), Stage(name="work", weight=8), Stage(name="finish")]
    tracker = ProgressTracker(stages, clock=clock)
    tracker.enter_stage("prepare")
    tracker.enter_stage("work")
    clock.now += 2
    tracker.update(4 / 2400)  # 4 steps of 0.5 s out of 2400
    eta = tracker.snapshot().eta_s
    assert eta is not None
    # The rest of "work" at its own pace (~1198 s) plus "finish" at the run's pace per weight (~2 s).
    assert eta == pytest.approx(1198 + 2, rel=0.01)


def test_rate_estimate_is_time_spent_over_fraction_done(clock: Clock) -> None:
    tracker = ProgressTracker([Stage(name="work")], clock=clock)
    tracker.enter_stage("work")
    clock.now += 10
    tracker.update(0.25)
    assert tracker.snapshot().eta_s == 30.0  # 10 s for a quarter: 30 s for the other three
    clock.now += 10
    tracker.update(0.8)
    assert tracker.snapshot().eta_s == 5.0


def test_declared_durations_give_an_estimate_from_the_first_second(clock: Clock) -> None:
    stages = [Stage(name="load", expected_duration_s=10), Stage(name="score", expected_duration_s=20)]
    tracker = ProgressTracker(stages, clock=clock)
    assert tracker.snapshot().eta_s == 30.0
    tracker.enter_stage("load")
    clock.now += 4
    assert tracker.snapshot().eta_s == 26.0  # 6 s left of load, then score
    tracker.enter_stage("score")
    assert tracker.snapshot().percent == 50
    # Half done by weight: the measured rate (4 s per half) and history (20 s) count equally.
    assert tracker.snapshot().eta_s == 0.5 * 4 + 0.5 * 20


def test_history_of_earlier_runs_wins_over_declared_durations(clock: Clock) -> None:
    stages = [Stage(name="load", expected_duration_s=10), Stage(name="score", expected_duration_s=20)]
    tracker = ProgressTracker(stages, history_s={"score": 60}, clock=clock)
    assert tracker.snapshot().eta_s == 70.0  # load as declared, score as it really took


def test_a_stage_without_history_or_declared_duration_leaves_only_the_rate(clock: Clock) -> None:
    stages = [Stage(name="load", expected_duration_s=10), Stage(name="score")]
    tracker = ProgressTracker(stages, clock=clock)
    assert tracker.snapshot().eta_s is None
    tracker.enter_stage("load")
    clock.now += 10
    tracker.update(0.5)
    assert tracker.snapshot().eta_s == 30.0  # 25 % in 10 s


def test_blend_trusts_the_rate_more_as_the_operation_advances(clock: Clock) -> None:
    tracker = ProgressTracker([Stage(name="work")], history_s={"work": 100}, clock=clock)
    tracker.enter_stage("work")
    clock.now += 10
    tracker.update(0.2)  # rate: 40 s left; history: 80 % of 100 s left
    assert tracker.snapshot().eta_s == pytest.approx(0.2 * 40 + 0.8 * 80)
    clock.now += 10
    tracker.update(0.8)  # rate: 5 s left; history: 20 s left
    assert tracker.snapshot().eta_s == pytest.approx(0.8 * 5 + 0.2 * 20)


def test_a_slower_run_than_history_never_gets_a_negative_estimate(clock: Clock) -> None:
    tracker = ProgressTracker([Stage(name="work")], history_s={"work": 10}, clock=clock)
    tracker.enter_stage("work")
    clock.now += 60
    assert tracker.snapshot().eta_s == 0.0
    tracker.update(0.5)
    assert tracker.snapshot().eta_s == pytest.approx(0.5 * 60 + 0.5 * 5)


def test_stage_durations_are_recorded_for_the_next_runs(clock: Clock) -> None:
    tracker = ProgressTracker([Stage(name="a"), Stage(name="b")], clock=clock)
    tracker.enter_stage("a")
    clock.now += 3
    tracker.enter_stage("b")
    clock.now += 2
    tracker.enter_stage("a")  # re-entered: its time adds up
    clock.now += 1
    tracker.enter_stage("b")
    clock.now += 4
    tracker.finish_stage()
    assert tracker.stage_durations == {"a": 4.0, "b": 6.0}


async def test_a_second_run_has_an_eta_on_its_first_progress_event(runtime: Runtime) -> None:
    async def first_progress_eta() -> float | None:
        op = await runtime.service.submit(workflow="test.eta_probe", params={}, owner="alice")
        final = await wait_for_status(runtime, op.id, "completed", "failed")
        assert final.status is OperationStatus.COMPLETED, final.error
        events = await runtime.service.events(op.id)
        first = next(e for e in events if e.type is EventType.PROGRESS)
        assert first.percent == 0.1 and first.message == "Just started"
        return first.eta_s

    assert await first_progress_eta() is None, "no history and 0.1 % done: no estimate yet"
    eta = await first_progress_eta()
    assert eta is not None and eta > 0, "the first run's duration estimates the second"
