"""Durability: a process killed with SIGKILL mid-run, then restarted, settles every operation."""

from __future__ import annotations

import signal
from collections.abc import Callable
from pathlib import Path

from tests.support.processes import LiveProcess, cli_env
from underway.operations.models import EventType, OperationFilter
from underway.operations.recovery import INTERRUPTED
from underway.operations.status import OperationStatus
from underway.runtime import Runtime
from underway.settings import Settings


def _kill_mid_run(tmp_path: Path, settings: Settings, args: list[str], running_line: str) -> str:
    live = LiveProcess(["run", *args], cli_env(settings.data_dir, settings.resolved_database_url))
    submitted = live.wait_for_line(lambda line: line.startswith("Submitted operation"))
    live.wait_for_line(lambda line: line.startswith(running_line))
    live.proc.send_signal(signal.SIGKILL)
    live.proc.wait(timeout=10)
    return submitted.split()[-1]


async def test_a_retry_safe_operation_is_requeued_and_completes_after_a_crash(
    tmp_path: Path, settings_factory: Callable[..., Settings]
) -> None:
    settings = settings_factory()
    op_id = _kill_mid_run(
        tmp_path,
        settings,
        ["demo.sleep", "-p", "steps=30", "-p", "step_s=0.05"],
        "running work 2/3",
    )
    async with Runtime.open(settings) as rt:
        final = await rt.service.wait(op_id, timeout=30)
        events = await rt.service.events(op_id)
    assert final.status is OperationStatus.COMPLETED and final.attempt == 2
    statuses = [(e.status.value, e.message) for e in events if e.type is EventType.STATUS]
    assert ("queued", "Re-queued after an interruption") in statuses
    assert [e.seq for e in events] == list(range(1, final.last_seq + 1))


async def test_an_operation_not_safe_to_retry_fails_as_interrupted(
    tmp_path: Path, settings_factory: Callable[..., Settings]
) -> None:
    settings = settings_factory()
    op_id = _kill_mid_run(tmp_path, settings, ["test.fragile", "-p", "seconds=60"], "running hold 1/1")
    async with Runtime.open(settings) as rt:
        final = await rt.service.get(op_id)
        events = await rt.service.events(op_id)
    assert final.status is OperationStatus.FAILED and final.error == INTERRUPTED
    assert events[-1].type is EventType.STATUS and events[-1].status is OperationStatus.FAILED


async def test_queued_operations_survive_a_restart_and_run(
    settings_factory: Callable[..., Settings],
) -> None:
    settings = settings_factory()
    async with Runtime.open(settings, start_workers=False) as rt:
        ops = [
            await rt.service.submit(workflow="demo.sleep", params={"steps": 1, "step_s": 0}, owner="alice")
            for _ in range(3)
        ]
    async with Runtime.open(settings) as rt:
        finals = [await rt.service.wait(op.id, timeout=30) for op in ops]
        page = await rt.service.list(OperationFilter(owner="alice"))
    assert all(f.status is OperationStatus.COMPLETED for f in finals)
    assert {o.id for o in page.items} == {op.id for op in ops}
