"""Durability: a process killed with SIGKILL mid-run, then restarted, settles every operation; only the
work of workers that are gone is recovered; retries are capped; a runner crash is an internal error."""

from __future__ import annotations

import signal
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

import tests.support.gate  # noqa: F401  (registers test.gate)
from tests.conftest import wait_for_status
from tests.support.leases import add_foreign_worker, claim_for, status_events
from tests.support.processes import LiveProcess, cli_env
from underway.operations.models import EventType, OperationFilter
from underway.operations.recovery import INTERNAL_ERROR, INTERRUPTED, attempts_exhausted
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
        # Settled by the start itself, well inside the 30 s lease: the killed pid is gone from this host.
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


# -- worker leases: only the work of workers that are gone is recovered ------------------------------


async def test_the_work_of_a_worker_whose_heartbeat_stopped_is_recovered_once_its_lease_lapses(
    settings_factory: Callable[..., Settings],
) -> None:
    # On this host with a live pid (this process): only the lease can tell that it stopped.
    settings = settings_factory(worker_lease_s=1.0, heartbeat_s=0.1)
    async with Runtime.open(settings, start_workers=False) as rt:
        worker = await add_foreign_worker(rt)
        op_id = await claim_for(rt, worker, "demo.sleep", {"steps": 2, "step_s": 0})
    async with Runtime.open(settings) as rt:
        final = await rt.service.wait(op_id, timeout=30)
        events = await status_events(rt, op_id)
    assert final.status is OperationStatus.COMPLETED and final.attempt == 2
    assert ("queued", "Re-queued after an interruption") in events


async def test_a_live_worker_on_another_host_keeps_its_operation(
    settings_factory: Callable[..., Settings],
) -> None:
    settings = settings_factory()
    async with Runtime.open(settings, start_workers=False) as rt:
        # A pid that is surely not alive here: on another host it must not matter.
        worker = await add_foreign_worker(rt, hostname="elsewhere.invalid", pid=2**22 + 1)
        op_id = await claim_for(rt, worker, "test.fragile", {"seconds": 60})
    async with Runtime.open(settings) as rt:
        assert (await rt.service.get(op_id)).status is OperationStatus.RUNNING


async def test_a_stale_worker_elsewhere_is_recovered_at_start_and_listed_as_gone(
    settings_factory: Callable[..., Settings],
) -> None:
    settings = settings_factory()
    async with Runtime.open(settings, start_workers=False) as rt:
        worker = await add_foreign_worker(rt, hostname="elsewhere.invalid", heartbeat_age_s=3600)
        op_id = await claim_for(rt, worker, "test.fragile", {"seconds": 60})
    async with Runtime.open(settings) as rt:
        final = await rt.service.get(op_id)
        assert final.status is OperationStatus.FAILED and final.error == INTERRUPTED
        # Listed as gone (for the admin view) until deregistered, which forgets it.
        listed = {w.id: w for w in await rt.service.workers()}
        assert listed[worker].state == "gone" and listed[worker].stopped_at is not None
        await rt.service.deregister(worker)
        assert worker not in {w.id for w in await rt.service.workers()}


async def test_a_retry_safe_operation_fails_once_it_was_interrupted_max_attempts_times(
    tmp_path: Path, settings_factory: Callable[..., Settings]
) -> None:
    settings = settings_factory(max_attempts=2)
    async with Runtime.open(settings) as rt:
        op = await rt.service.submit(
            workflow="test.gate", params={"path": str(tmp_path / "never")}, owner="alice"
        )
        await wait_for_status(rt, op.id, "running")
    # The clean stop re-queued it (attempt 2); stopping again while it runs exhausts its attempts.
    async with Runtime.open(settings) as rt:
        await wait_for_status(rt, op.id, "running")
    async with Runtime.open(settings, start_workers=False) as rt:
        final = await rt.service.get(op.id)
        events = await status_events(rt, op.id)
    assert final.status is OperationStatus.FAILED and final.attempt == 2
    assert final.error == attempts_exhausted(2, 2)
    assert [s for s, _ in events] == ["queued", "running", "queued", "running", "failed"]


async def test_a_runner_crash_fails_the_operation_as_an_internal_error_without_a_retry(
    settings_factory: Callable[..., Settings],
) -> None:
    async with Runtime.open(settings_factory()) as rt:
        # The database refuses to record the result: the runner, not the workflow, fails.
        await _refuse_completions(rt.engine)
        op = await rt.service.submit(workflow="demo.sleep", params={"steps": 1, "step_s": 0}, owner="alice")
        final = await rt.service.wait(op.id, timeout=30)
        events = await status_events(rt, op.id)
    # demo.sleep is retry-safe, yet it is not re-run: it may have done its work already.
    assert final.status is OperationStatus.FAILED and final.error == INTERNAL_ERROR
    assert final.attempt == 1
    assert [s for s, _ in events] == ["queued", "running", "failed"]


async def _refuse_completions(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            await conn.execute(
                text(
                    "CREATE FUNCTION refuse_completion() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$ BEGIN RAISE EXCEPTION 'completions refused'; END $$"
                )
            )
            await conn.execute(
                text(
                    "CREATE TRIGGER refuse_completion BEFORE UPDATE ON operations FOR EACH ROW "
                    "WHEN (NEW.status = 'completed') EXECUTE FUNCTION refuse_completion()"
                )
            )
        else:
            await conn.execute(
                text(
                    "CREATE TRIGGER refuse_completion BEFORE UPDATE ON operations "
                    "WHEN NEW.status = 'completed' BEGIN SELECT RAISE(ABORT, 'completions refused'); END"
                )
            )
