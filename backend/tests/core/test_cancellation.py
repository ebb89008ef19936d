"""Cancellation always settles: before start, during a stage, ignoring checkpoints, racing the finish."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

import pytest

from tests.conftest import wait_for_event, wait_for_status
from underway.operations.errors import OperationFinished
from underway.operations.models import EventType
from underway.operations.status import OperationStatus
from underway.runtime import Runtime
from underway.settings import Settings

LONG = {"steps": 1000, "step_s": 0.02}


async def test_cancel_before_start_is_immediate(settings_factory: Callable[..., Settings]) -> None:
    async with Runtime.open(settings_factory(workers=1)) as rt:
        blocker = await rt.service.submit(workflow="demo.sleep", params=LONG, owner="alice")
        queued = await rt.service.submit(workflow="demo.sleep", params=LONG, owner="alice")
        cancelled = await rt.service.cancel(queued.id)
        assert cancelled.status is OperationStatus.CANCELLED
        assert cancelled.started_at is None and cancelled.queue_position is None
        events = await rt.service.events(queued.id)
        assert [(e.type, e.status) for e in events] == [
            (EventType.STATUS, OperationStatus.QUEUED),
            (EventType.STATUS, OperationStatus.CANCELLED),
        ]
        await rt.service.cancel(blocker.id)


async def test_cancel_during_a_stage_stops_at_the_next_checkpoint_and_keeps_progress(
    runtime: Runtime,
) -> None:
    op = await runtime.service.submit(workflow="demo.sleep", params=LONG, owner="alice")
    await wait_for_event(runtime, op.id, lambda e: e.type is EventType.PROGRESS and e.percent > 15)
    asked = await runtime.service.cancel(op.id)
    assert asked.status in {OperationStatus.CANCELLING, OperationStatus.CANCELLED}
    again = await runtime.service.cancel(op.id)  # idempotent while cancelling
    assert again.status in {OperationStatus.CANCELLING, OperationStatus.CANCELLED}
    final = await runtime.service.wait(op.id, timeout=10)
    assert final.status is OperationStatus.CANCELLED
    assert final.progress.percent > 15 and final.progress.stage == "work"
    statuses = [e.status for e in await runtime.service.events(op.id) if e.type is EventType.STATUS]
    assert statuses == ["queued", "running", "cancelling", "cancelled"]


async def test_a_workflow_ignoring_checkpoints_is_cancelled_by_force_after_the_grace(
    runtime: Runtime,
) -> None:
    op = await runtime.service.submit(
        workflow="demo.sleep", params={**LONG, "ignore_checkpoints": True}, owner="alice"
    )
    await wait_for_status(runtime, op.id, "running")
    await runtime.service.cancel(op.id)
    final = await runtime.service.wait(op.id, timeout=runtime.settings.cancel_grace_s + 10)
    assert final.status is OperationStatus.CANCELLED
    assert final.progress.message == "Cancelled (stopped by force after the grace period)"
    # The slot is free again: a new operation runs to completion.
    nxt = await runtime.service.submit(workflow="demo.sleep", params={"steps": 1, "step_s": 0}, owner="alice")
    assert (await runtime.service.wait(nxt.id, timeout=10)).status is OperationStatus.COMPLETED


async def test_cancel_of_a_finished_operation_is_a_conflict(runtime: Runtime) -> None:
    op = await runtime.service.submit(workflow="demo.sleep", params={"steps": 1, "step_s": 0}, owner="alice")
    await runtime.service.wait(op.id, timeout=10)
    with pytest.raises(OperationFinished) as finished:
        await runtime.service.cancel(op.id)
    assert finished.value.status == "completed"


@pytest.mark.parametrize("delay_steps", [0, 1, 2, 3])
async def test_cancel_racing_start_or_finish_ends_in_exactly_one_terminal_state(
    settings_factory: Callable[..., Settings], delay_steps: int
) -> None:
    async with Runtime.open(settings_factory(workers=4, max_running_per_user=4)) as rt:
        for _ in range(10):
            ops = [
                await rt.service.submit(
                    workflow="demo.sleep", params={"steps": 2, "step_s": 0.002}, owner="alice"
                )
                for _ in range(4)
            ]
            for _ in range(delay_steps):
                await asyncio.sleep(0)  # interleave the cancel at different points of the run

            async def try_cancel(op_id: str) -> None:
                with contextlib.suppress(OperationFinished):
                    await rt.service.cancel(op_id)

            await asyncio.gather(*(try_cancel(op.id) for op in ops))
            for op in ops:
                final = await rt.service.wait(op.id, timeout=10)
                assert final.status in {OperationStatus.CANCELLED, OperationStatus.COMPLETED}
                events = await rt.service.events(op.id)
                terminal = [e for e in events if e.type is EventType.STATUS and e.status.is_terminal]
                assert len(terminal) == 1 and events[-1] == terminal[0]
                assert terminal[0].status is final.status
                assert [e.seq for e in events] == list(range(1, len(events) + 1))
        snapshot = await rt.service.queue_snapshot()
        assert snapshot.running == 0 and snapshot.queued == 0, "every slot was released"
