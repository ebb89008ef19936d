"""The event log's promises: statuses after a cancel, announced stages, kept reports, ordered time.

Each test drives a workflow through the runtime and reads the persisted log, as a client would."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import wait_for_event
from underway.operations.models import EventType, OperationEvent
from underway.operations.status import OperationStatus
from underway.runtime import Runtime
from underway.settings import Settings


def assert_well_ordered(events: list[OperationEvent]) -> None:
    """seq 1, 2, 3… without a gap, ts never going backwards, exactly one terminal event, last."""
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    stamps = [e.ts for e in events]
    assert stamps == sorted(stamps), "ts must not go backwards against seq"
    terminal = [e for e in events if e.status.is_terminal]
    assert terminal == [events[-1]]


@pytest.mark.parametrize(
    ("workflow", "params", "outcome"),
    [
        pytest.param(
            "demo.sleep",
            {"steps": 1000, "step_s": 0.02, "ignore_checkpoints": True},
            OperationStatus.CANCELLED,
            id="ignores-checkpoints-until-forced",
        ),
        pytest.param("test.until_cancel", {"then": "return"}, OperationStatus.COMPLETED, id="result-wins"),
        pytest.param(
            "test.until_cancel", {"then": "checkpoint"}, OperationStatus.CANCELLED, id="cancel-wins"
        ),
    ],
)
async def test_every_event_after_the_cancel_request_says_cancelling_or_the_outcome(
    runtime: Runtime, workflow: str, params: dict[str, Any], outcome: OperationStatus
) -> None:
    op = await runtime.service.submit(workflow=workflow, params=params, owner="alice")
    await wait_for_event(runtime, op.id, lambda e: e.type is EventType.PROGRESS)
    await runtime.service.cancel(op.id)
    final = await runtime.service.wait(op.id, timeout=runtime.settings.cancel_grace_s + 20)
    assert final.status is outcome
    events = await runtime.service.events(op.id)
    assert_well_ordered(events)
    cancelling = next(i for i, e in enumerate(events) if e.status is OperationStatus.CANCELLING)
    after = events[cancelling + 1 :]
    reports = [e for e in after if e.type in {EventType.PROGRESS, EventType.LOG}]
    assert reports, "the workflow kept reporting after the cancel request"
    assert all(e.status is OperationStatus.CANCELLING for e in after[:-1]), [e.status for e in after]
    assert after[-1].status is outcome
    assert all(e.status is OperationStatus.RUNNING for e in events[2:cancelling])


async def test_progress_before_any_stage_announces_the_first_stage(runtime: Runtime) -> None:
    op = await runtime.service.submit(workflow="test.no_stage", params={}, owner="alice")
    final = await runtime.service.wait(op.id, timeout=20)
    assert final.status is OperationStatus.COMPLETED
    events = await runtime.service.events(op.id)
    assert [(e.type, e.stage) for e in events] == [
        (EventType.STATUS, None),
        (EventType.STATUS, None),
        (EventType.STAGE, "first"),
        (EventType.PROGRESS, "first"),
        (EventType.STATUS, "first"),
    ]
    progress = events[3]
    assert (progress.percent, progress.message, progress.stage_index) == (25, "Halfway without a stage", 0)


async def test_a_stage_change_keeps_the_last_report_of_the_stage_before(
    settings_factory: Callable[..., Settings],
) -> None:
    # A long interval holds every report back: only the stage change can send it.
    async with Runtime.open(settings_factory(progress_interval_s=60)) as rt:
        op = await rt.service.submit(workflow="test.quick_stages", params={}, owner="alice")
        final = await rt.service.wait(op.id, timeout=20)
        events = await rt.service.events(op.id)
    assert final.status is OperationStatus.COMPLETED
    assert [(e.type, e.stage, e.percent, e.message) for e in events[2:-1]] == [
        (EventType.STAGE, "a", 0, None),
        (EventType.PROGRESS, "a", 25, "Half of a"),
        (EventType.STAGE, "b", 50, None),
    ]


async def test_reports_from_a_worker_thread_are_coalesced_and_keep_their_order(runtime: Runtime) -> None:
    calls = 100_000
    op = await runtime.service.submit(
        workflow="test.chatty",
        params={"calls": calls, "in_thread": True, "log_every": 10_000},
        owner="alice",
    )
    final = await runtime.service.wait(op.id, timeout=60)
    assert final.status is OperationStatus.COMPLETED
    events = await runtime.service.events(op.id)
    assert_well_ordered(events)
    assert len(events) < 500, f"{calls:,} reports from a thread must not become {len(events)} rows"
    logs = [e for e in events if e.type is EventType.LOG]
    # Every log line arrives, in order, each after the report made just before it.
    expected = [(f"{n} calls", n / calls * 100) for n in range(10_000, calls + 1, 10_000)]
    assert [(e.message, e.percent) for e in logs] == expected
    last = [e for e in events if e.type is EventType.PROGRESS][-1]
    assert (last.percent, last.message) == (100, f"Call {calls} of {calls}")
    running = [e.percent for e in events if e.status is OperationStatus.RUNNING]
    assert running == sorted(running)
