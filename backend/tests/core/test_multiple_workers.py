"""Several processes on one database: each runs its own work, and none touches another's live work."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path

from tests.conftest import wait_for_status
from tests.support.gate import GATE_MODULES
from tests.support.leases import status_events, until
from tests.support.processes import cli_env, run_cli
from underway.operations.status import OperationStatus
from underway.runtime import Runtime
from underway.settings import Settings

QUICK = {"steps": 1, "step_s": 0}


async def test_a_second_runtime_leaves_the_first_ones_running_operation_alone(
    tmp_path: Path, settings_factory: Callable[..., Settings]
) -> None:
    gate = tmp_path / "open"
    settings = settings_factory()
    async with Runtime.open(settings) as first:
        op = await first.service.submit(workflow="test.gate", params={"path": str(gate)}, owner="alice")
        await wait_for_status(first, op.id, "running")
        async with Runtime.open(settings) as second:
            # Starting recovered nothing of the first runtime's: it is alive.
            assert (await second.service.get(op.id)).status is OperationStatus.RUNNING
        gate.touch()
        final = await first.service.wait(op.id, timeout=30)
    assert final.status is OperationStatus.COMPLETED and final.attempt == 1
    assert [s for s, _ in await status_events(first, op.id)] == ["queued", "running", "completed"]


async def test_underway_run_next_to_a_server_runs_only_its_own_operation(
    tmp_path: Path, settings_factory: Callable[..., Settings]
) -> None:
    gate = tmp_path / "open"
    # alice may run one operation at a time, so the server keeps queued work *and* a free worker:
    # it would take the CLI's operation if that were not reserved for the CLI.
    settings = settings_factory(workers=2, max_running_per_user=1)
    async with Runtime.open(settings) as server:
        running = await server.service.submit(workflow="test.gate", params={"path": str(gate)}, owner="alice")
        await wait_for_status(server, running.id, "running")
        queued = [
            await server.service.submit(workflow="demo.sleep", params=QUICK, owner="alice") for _ in range(2)
        ]
        env = cli_env(
            settings.data_dir, settings.resolved_database_url, UNDERWAY_WORKFLOW_MODULES=GATE_MODULES
        )
        done = await asyncio.to_thread(
            run_cli, ["run", "demo.sleep", "-p", "steps=2", "-p", "step_s=0", "--json", "--as", "bob"], env
        )
        assert done.returncode == 0, done.stderr
        mine = json.loads(done.stdout)
        assert mine["status"] == "completed" and mine["id"] not in {op.id for op in [running, *queued]}

        # The CLI neither took the server's queued work nor interrupted its running operation.
        for op in queued:
            assert (await server.service.get(op.id)).status is OperationStatus.QUEUED
        assert (await server.service.get(running.id)).status is OperationStatus.RUNNING
        gate.touch()
        finals = [await server.service.wait(op.id, timeout=30) for op in [running, *queued]]
    assert all(f.status is OperationStatus.COMPLETED and f.attempt == 1 for f in finals)


async def test_two_dispatchers_share_one_queue_and_run_each_operation_once(
    settings_factory: Callable[..., Settings],
) -> None:
    settings = settings_factory(workers=3, max_running_per_user=100)
    async with Runtime.open(settings) as a, Runtime.open(settings) as b:
        # Each submit wakes its own runtime's dispatcher, so both race for the head of the queue.
        ops = [
            await rt.service.submit(workflow="demo.sleep", params={"steps": 2, "step_s": 0.01}, owner="alice")
            for _ in range(10)
            for rt in (a, b)
        ]
        finals = [await until(a, op.id, lambda o: o.status.is_terminal) for op in ops]
        assert all(f.status is OperationStatus.COMPLETED and f.attempt == 1 for f in finals)
        for op in ops:
            assert [s for s, _ in await status_events(a, op.id)] == ["queued", "running", "completed"]
