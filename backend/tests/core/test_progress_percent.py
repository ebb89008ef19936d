"""Overall percent: weighted by the declared stage weights, never going down while running."""

from __future__ import annotations

from underway.operations.models import EventType
from underway.operations.status import OperationStatus
from underway.progress.tracker import ProgressTracker
from underway.runtime import Runtime
from underway.workflows import Stage


def test_finished_stages_count_fully_and_the_current_one_by_its_fraction() -> None:
    tracker = ProgressTracker([Stage(name="a", weight=1), Stage(name="b", weight=3)])
    tracker.enter_stage("a")
    tracker.update(0.5)
    assert tracker.snapshot().percent == 12.5
    tracker.enter_stage("b")
    assert tracker.snapshot().percent == 25
    tracker.update(0.5)
    assert tracker.snapshot().percent == 62.5


def test_percent_never_goes_down_when_progress_goes_backwards_or_a_stage_is_re_entered() -> None:
    tracker = ProgressTracker([Stage(name="a"), Stage(name="b")])
    tracker.enter_stage("a")
    tracker.update(0.8)
    tracker.update(0.3)  # the workflow's estimate got worse
    assert tracker.snapshot().percent == 40
    tracker.enter_stage("b")
    tracker.update(0.5)
    tracker.enter_stage("a")  # a retry of the first stage
    assert tracker.snapshot().percent == 75
    tracker.update(0.9)
    snap = tracker.snapshot()
    assert (snap.percent, snap.stage, snap.stage_index) == (75, "a", 0)


def test_fractions_outside_0_to_1_are_clamped() -> None:
    tracker = ProgressTracker([Stage(name="a")])
    tracker.enter_stage("a")
    tracker.update(-1)
    assert tracker.snapshot().percent == 0
    tracker.update(7)
    assert tracker.snapshot().percent == 100


async def test_demo_sleep_weights_1_8_1_put_the_second_stage_at_10_percent(runtime: Runtime) -> None:
    op = await runtime.service.submit(workflow="demo.sleep", params={"steps": 4, "step_s": 0}, owner="alice")
    final = await runtime.service.wait(op.id, timeout=20)
    assert final.status is OperationStatus.COMPLETED
    events = await runtime.service.events(op.id)
    stages = {e.stage: e for e in events if e.type is EventType.STAGE}
    assert [(name, e.stage_index, e.percent) for name, e in stages.items()] == [
        ("prepare", 0, 0),
        ("work", 1, 10),
        ("finish", 2, 90),
    ]
    running = [e.percent for e in events if e.status is OperationStatus.RUNNING]
    assert running == sorted(running)
