"""Cancellation always settles: before start, during a stage, ignoring checkpoints, racing the finish."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

import pytest

from tests.conftest import wait_for_event, wait_for_status
from tests.support.leases import add_foreign_worker, claim_for, status_events
from underway.operations.errors import OperationFinished
from underway.operations.models import EventType, Operation, OperationEvent
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
    # Idempotent while cancelling; it may also have reached its next checkpoint in between.
    with contextlib.suppress(OperationFinished):
        again = await runtime.service.cancel(op.id)
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
    # In its loop, past the stage changes (which are checkpoints even for this workflow).
    await wait_for_event(runtime, op.id, lambda e: e.type is EventType.PROGRESS and e.stage == "work")
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


def path_of(events: list[OperationEvent]) -> str:
    """Which way the cancel met the run, read from the operation's event log."""
    statuses = [e.status for e in events if e.type is EventType.STATUS]
    outcome = statuses[-1]
    if OperationStatus.RUNNING not in statuses:
        return f"{outcome} while queued"
    if OperationStatus.CANCELLING not in statuses:
        return f"{outcome} before the cancel"
    return f"{outcome} after the cancel request"


def assert_one_terminal_event(events: list[OperationEvent], final: Operation) -> None:
    terminal = [e for e in events if e.type is EventType.STATUS and e.status.is_terminal]
    assert len(terminal) == 1 and events[-1] == terminal[0]
    assert terminal[0].status is final.status
    assert [e.seq for e in events] == list(range(1, len(events) + 1))


async def test_cancel_racing_start_or_finish_ends_in_exactly_one_terminal_state(
    settings_factory: Callable[..., Settings],
) -> None:
    async with Runtime.open(settings_factory(workers=2, max_running_per_user=2)) as rt:
        paths: list[str] = []

        async def settle(op_id: str) -> None:
            final = await rt.service.wait(op_id, timeout=20)
            events = await rt.service.events(op_id)
            assert_one_terminal_event(events, final)
            paths.append(path_of(events))

        # Each path on purpose: both workers hold a workflow that waits for its cancel, so a third
        # operation stays queued; then the result wins one race and the checkpoint the other.
        result_wins = await rt.service.submit(
            workflow="test.until_cancel", params={"then": "return"}, owner="alice"
        )
        cancel_wins = await rt.service.submit(
            workflow="test.until_cancel", params={"then": "checkpoint"}, owner="alice"
        )
        for op in (result_wins, cancel_wins):
            await wait_for_event(rt, op.id, lambda e: e.type is EventType.STAGE)
        queued = await rt.service.submit(workflow="demo.sleep", params={"steps": 1}, owner="alice")
        assert (await rt.service.cancel(queued.id)).status is OperationStatus.CANCELLED
        for op in (result_wins, cancel_wins):
            assert (await rt.service.cancel(op.id)).status is OperationStatus.CANCELLING
            await settle(op.id)
        await settle(queued.id)
        assert paths == [
            "completed after the cancel request",
            "cancelled after the cancel request",
            "cancelled while queued",
        ]

        # Then by chance, many times: cancels landing at every point of short runs.
        async def try_cancel(op_id: str) -> None:
            with contextlib.suppress(OperationFinished):
                await rt.service.cancel(op_id)

        for round_ in range(40):
            ops = [
                await rt.service.submit(
                    workflow="demo.sleep", params={"steps": 2, "step_s": 0.002}, owner="alice"
                )
                for _ in range(4)
            ]
            for _ in range(round_ % 4):
                await asyncio.sleep(0)  # interleave the cancel at different points of the run
            await asyncio.gather(*(try_cancel(op.id) for op in ops))
            for op in ops:
                await settle(op.id)
        assert set(paths) <= {
            "cancelled while queued",
            "cancelled after the cancel request",
            "completed after the cancel request",
            "completed before the cancel",
        }
        snapshot = await rt.service.queue_snapshot()
        assert snapshot.running == 0 and snapshot.queued == 0, "every slot was released"
        after = await rt.service.submit(
            workflow="demo.sleep", params={"steps": 1, "step_s": 0}, owner="alice"
        )
        assert (await rt.service.wait(after.id, timeout=10)).status is OperationStatus.COMPLETED


async def test_a_cancelled_operation_keeps_its_partial_artifacts_and_last_progress(
    runtime: Runtime,
) -> None:
    op = await runtime.service.submit(workflow="test.partial", params={}, owner="alice")
    await wait_for_event(runtime, op.id, lambda e: e.type is EventType.LOG and e.message == "Part 1 saved")
    await runtime.service.cancel(op.id)
    final = await runtime.service.wait(op.id, timeout=10)
    assert final.status is OperationStatus.CANCELLED
    assert (final.progress.percent, final.progress.stage) == (40, "write")
    (artifact,) = final.artifacts
    assert (artifact.name, artifact.size, artifact.media_type) == ("part-1.csv", 14, "text/csv")
    meta, path = await runtime.service.artifact(op.id, "part-1.csv", owner="alice")
    assert meta == artifact and path.read_text() == "id,value\n1,42\n"


# -- across processes ----------------------------------------------------------------------------


async def test_cancel_through_another_runtime_stops_the_operation_where_it_runs(
    settings_factory: Callable[..., Settings],
) -> None:
    settings = settings_factory()
    async with Runtime.open(settings) as owner_rt, Runtime.open(settings) as other:
        op = await owner_rt.service.submit(workflow="demo.sleep", params=LONG, owner="alice")
        await wait_for_status(owner_rt, op.id, "running")
        asked = await other.service.cancel(op.id)
        assert asked.status is OperationStatus.CANCELLING  # the owner is alive: it stops it itself
        final = await owner_rt.service.wait(op.id, timeout=30)
        events = await owner_rt.service.events(op.id)
    assert final.status is OperationStatus.CANCELLED
    terminal = [e for e in events if e.type is EventType.STATUS and e.status.is_terminal]
    assert len(terminal) == 1 and events[-1] == terminal[0]


async def test_cancel_of_an_operation_whose_worker_is_gone_settles_at_once(
    settings_factory: Callable[..., Settings],
) -> None:
    async with Runtime.open(settings_factory(), start_workers=False) as rt:
        worker = await add_foreign_worker(rt, hostname="elsewhere.invalid", heartbeat_age_s=3600)
        op_id = await claim_for(rt, worker, "demo.sleep", LONG)
        cancelled = await rt.service.cancel(op_id)
        events = await status_events(rt, op_id)
    assert cancelled.status is OperationStatus.CANCELLED
    assert [s for s, _ in events] == ["queued", "running", "cancelling", "cancelled"]


async def test_a_cancel_never_stays_cancelling_when_the_worker_holding_it_falls_silent(
    settings_factory: Callable[..., Settings],
) -> None:
    settings = settings_factory(worker_lease_s=1.0, heartbeat_s=0.1)
    async with Runtime.open(settings, start_workers=False) as rt:
        worker = await add_foreign_worker(rt)  # alive for now; its heartbeat never moves again
        op_id = await claim_for(rt, worker, "demo.sleep", LONG)
    async with Runtime.open(settings) as rt:
        # Cancelling until the lease lapses, then settled by a heartbeat's recovery (or, if the
        # lease lapsed first, re-queued at start and cancelled here).
        await rt.service.cancel(op_id)
        final = await rt.service.wait(op_id, timeout=30)
        events = await rt.service.events(op_id)
    assert final.status is OperationStatus.CANCELLED
    assert [e for e in events if e.type is EventType.STATUS and e.status.is_terminal] == [events[-1]]
