"""Timeouts settle as ``timed_out`` with the same guarantees as cancellation."""

from __future__ import annotations

from underway.operations.models import EventType
from underway.operations.status import OperationStatus
from underway.runtime import Runtime


async def test_timeout_stops_a_cooperative_workflow(runtime: Runtime) -> None:
    op = await runtime.service.submit(
        workflow="demo.sleep", params={"steps": 1000, "step_s": 0.02}, owner="alice", timeout_s=0.5
    )
    final = await runtime.service.wait(op.id, timeout=10)
    assert final.status is OperationStatus.TIMED_OUT
    assert final.error == "Timed out after 0.5 s"
    events = await runtime.service.events(op.id)
    assert events[-1].type is EventType.STATUS and events[-1].status is OperationStatus.TIMED_OUT


async def test_timeout_stops_a_workflow_that_ignores_checkpoints(runtime: Runtime) -> None:
    op = await runtime.service.submit(
        workflow="demo.sleep",
        params={"steps": 1000, "step_s": 0.02, "ignore_checkpoints": True},
        owner="alice",
        timeout_s=0.3,
    )
    final = await runtime.service.wait(op.id, timeout=runtime.settings.cancel_grace_s + 10)
    assert final.status is OperationStatus.TIMED_OUT
    assert final.error is not None and "by force" in final.error
