"""Capability routing: a workflow that requires a tag runs only on a worker offering it, and while
none is alive its operations say why they wait."""

from __future__ import annotations

from collections.abc import Callable

from tests.conftest import wait_for_status
from underway.operations.status import OperationStatus
from underway.runtime import Runtime
from underway.settings import Settings

QUICK = {"steps": 1, "step_s": 0}


async def test_only_a_worker_offering_the_capability_runs_it(
    settings_factory: Callable[..., Settings],
) -> None:
    plain = settings_factory(workers=2)
    async with Runtime.open(plain) as cpu_only:
        gpu_op = await cpu_only.service.submit(workflow="test.gpu", params={}, owner="alice")
        assert gpu_op.blocked_reason == (
            "No live worker offering gpu can run 'test.gpu'; it starts when one joins."
        )
        # The plain worker looked at the queue (it ran what came after) and left the gpu work alone.
        later = await cpu_only.service.submit(workflow="demo.sleep", params=QUICK, owner="alice")
        assert (await cpu_only.service.wait(later.id, timeout=30)).status is OperationStatus.COMPLETED
        assert (await cpu_only.service.get(gpu_op.id)).status is OperationStatus.QUEUED

        async with Runtime.open(settings_factory(worker_capabilities="gpu, bigmem")) as gpu:
            done = await wait_for_status(gpu, gpu_op.id, "completed")
            workers = {w.id: w for w in await gpu.service.workers()}
        assert done.blocked_reason is None
        assert workers[gpu.dispatcher.worker_id].capabilities == ["bigmem", "gpu"]
        assert "test.gpu" in workers[gpu.dispatcher.worker_id].workflows
        assert "test.gpu" not in workers[cpu_only.dispatcher.worker_id].workflows


async def test_a_workflow_nobody_deploys_says_so_until_a_worker_can_run_it(
    settings_factory: Callable[..., Settings],
) -> None:
    async with Runtime.open(settings_factory(), start_workers=False) as api_only:
        op = await api_only.service.submit(workflow="demo.sleep", params=QUICK, owner="alice")
        assert op.blocked_reason == "No live worker can run 'demo.sleep'; it starts when one joins."
        async with Runtime.open(settings_factory()) as worker:
            assert (await worker.service.wait(op.id, timeout=30)).status is OperationStatus.COMPLETED
