"""An operation's life as users see it: statuses, events, progress, results and failures."""

from __future__ import annotations

import asyncio

import pytest

from underway.operations.errors import InvalidParams, InvalidSubmission, WorkflowNotFound
from underway.operations.models import EventType, OperationEvent
from underway.operations.status import OperationStatus
from underway.runtime import Runtime


async def test_completed_operation_has_gapless_ordered_events_and_monotonic_progress(
    runtime: Runtime,
) -> None:
    op = await runtime.service.submit(
        workflow="demo.sleep",
        params={"steps": 20, "step_s": 0.01},
        owner="alice",
        metadata={"ticket": "T-1"},
    )
    assert op.status is OperationStatus.QUEUED
    assert op.metadata == {"ticket": "T-1"}

    final = await runtime.service.wait(op.id, timeout=20)

    assert final.status is OperationStatus.COMPLETED
    assert final.result == {"steps": 20}
    assert final.progress.percent == 100
    assert final.started_at is not None and final.finished_at is not None
    events = await runtime.service.events(op.id)
    assert [e.seq for e in events] == list(range(1, final.last_seq + 1))
    assert [e.status for e in events if e.type is EventType.STATUS] == [
        "queued",
        "running",
        "completed",
    ]
    assert [e.stage for e in events if e.type is EventType.STAGE] == ["prepare", "work", "finish"]
    running = [e.percent for e in events if e.status is OperationStatus.RUNNING]
    assert running == sorted(running), "percent must never go down while running"
    assert all(e.total_stages == 3 and e.operation_id == op.id for e in events)
    assert events[-1].type is EventType.STATUS and events[-1].status is OperationStatus.COMPLETED


async def test_failure_keeps_a_readable_error_and_the_progress_reached(runtime: Runtime) -> None:
    op = await runtime.service.submit(
        workflow="demo.sleep",
        params={"steps": 10, "step_s": 0.01, "fail_at_step": 4},
        owner="alice",
    )
    final = await runtime.service.wait(op.id, timeout=20)
    assert final.status is OperationStatus.FAILED
    assert final.error == "Failed on purpose at step 4"
    assert 0 < final.progress.percent < 100
    assert final.progress.stage == "work"


async def test_unexpected_exception_and_non_json_result_fail_without_traceback(
    runtime: Runtime,
) -> None:
    crash = await runtime.service.submit(workflow="test.crash", params={}, owner="alice")
    bad = await runtime.service.submit(workflow="test.not_json", params={}, owner="alice")
    crashed = await runtime.service.wait(crash.id, timeout=20)
    not_json = await runtime.service.wait(bad.id, timeout=20)
    assert crashed.status is OperationStatus.FAILED and crashed.error == "RuntimeError: boom"
    assert not_json.status is OperationStatus.FAILED
    assert not_json.error is not None and "not JSON-serialisable" in not_json.error


async def test_invalid_submissions_are_refused_with_field_errors_and_store_nothing(
    runtime: Runtime,
) -> None:
    with pytest.raises(WorkflowNotFound):
        await runtime.service.submit(workflow="nope", params={}, owner="alice")
    with pytest.raises(InvalidParams) as invalid:
        await runtime.service.submit(
            workflow="demo.sleep", params={"steps": 0, "colour": "red"}, owner="alice"
        )
    locs = {e.loc for e in invalid.value.errors}
    assert locs == {("steps",), ("colour",)}
    with pytest.raises(InvalidSubmission) as too_long:
        await runtime.service.submit(
            workflow="demo.sleep",
            params={},
            owner="alice",
            timeout_s=runtime.settings.max_timeout_s + 1,
        )
    assert too_long.value.field == "timeout_s"
    with pytest.raises(InvalidSubmission):
        await runtime.service.submit(
            workflow="demo.sleep", params={}, owner="alice", metadata={"x": "y" * 20_000}
        )
    stats = await runtime.service.stats()
    assert stats.active == 0 and stats.finished_today == 0


async def test_blocking_step_in_a_thread_does_not_stall_other_operations(runtime: Runtime) -> None:
    async def progress_events(op_id: str, count: int) -> list[OperationEvent]:
        got: list[OperationEvent] = []
        async for event in runtime.service.subscribe(op_id):
            if event.type is EventType.PROGRESS:
                got.append(event)
                if len(got) == count:
                    break
        return got

    # Spins in a ctx.run_sync thread, reporting progress, until it is cancelled.
    blocking = await runtime.service.submit(workflow="test.blocking", params={"seconds": 600}, owner="alice")
    await asyncio.wait_for(progress_events(blocking.id, 1), 20)

    other = await runtime.service.submit(
        workflow="demo.sleep", params={"steps": 1000, "step_s": 0.01}, owner="bob"
    )
    live = await asyncio.wait_for(progress_events(other.id, 5), 20)
    assert [e.percent for e in live] == sorted({e.percent for e in live}), "fresh progress kept arriving"
    assert (await runtime.service.cancel(other.id)).status is OperationStatus.CANCELLING
    assert (await runtime.service.wait(other.id, timeout=20)).status is OperationStatus.CANCELLED

    quick = await runtime.service.submit(
        workflow="demo.sleep", params={"steps": 5, "step_s": 0.01}, owner="bob"
    )
    assert (await runtime.service.wait(quick.id, timeout=20)).status is OperationStatus.COMPLETED
    still = await runtime.service.get(blocking.id)
    assert still.status is OperationStatus.RUNNING, "the others were served while the thread kept working"

    await runtime.service.cancel(blocking.id)  # the thread checks ctx.stop_requested
    assert (await runtime.service.wait(blocking.id, timeout=20)).status is OperationStatus.CANCELLED


async def test_cpu_heavy_step_runs_in_a_process(runtime: Runtime) -> None:
    op = await runtime.service.submit(
        workflow="test.primes", params={"limit": 100_000, "chunks": 2}, owner="alice"
    )
    final = await runtime.service.wait(op.id, timeout=60)
    assert final.status is OperationStatus.COMPLETED
    assert final.result == {"primes": 9592}


async def test_artifacts_are_listed_with_size_and_media_type(runtime: Runtime) -> None:
    # demo workflows write no files; the CSV validation built-in does, but here we check the contract
    # through a workflow written in the test support module.
    op = await runtime.service.submit(workflow="test.artifact", params={}, owner="alice")
    final = await runtime.service.wait(op.id, timeout=20)
    assert final.status is OperationStatus.COMPLETED
    (artifact,) = final.artifacts
    assert (artifact.name, artifact.size, artifact.media_type) == ("hello.txt", 5, "text/plain")
    meta, path = await runtime.service.artifact(op.id, "hello.txt", owner="alice")
    assert path.read_text() == "hello" and meta == artifact
