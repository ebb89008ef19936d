"""The queue: priority order, FIFO, bounded capacity, per-user limits, queue positions."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.conftest import wait_for_status
from underway.operations.errors import QueueFull, UserQuotaExceeded
from underway.operations.models import Operation
from underway.operations.status import OperationStatus
from underway.runtime import Runtime
from underway.settings import Settings

HOLD = {"steps": 1000, "step_s": 0.05}
QUICK = {"steps": 1, "step_s": 0}


async def _start_order(rt: Runtime, ops: list[Operation]) -> list[str]:
    finals = [await rt.service.wait(op.id, timeout=30) for op in ops]
    assert all(f.status is OperationStatus.COMPLETED for f in finals)
    return [f.id for f in sorted(finals, key=lambda f: (f.started_at, f.id))]


async def test_higher_priority_first_and_fifo_within_a_priority(
    settings_factory: Callable[..., Settings],
) -> None:
    async with Runtime.open(settings_factory(workers=1, max_running_per_user=10)) as rt:
        blocker = await rt.service.submit(workflow="demo.sleep", params=HOLD, owner="alice")
        await wait_for_status(rt, blocker.id, "running")
        low1 = await rt.service.submit(workflow="demo.sleep", params=QUICK, owner="alice", priority="low")
        normal1 = await rt.service.submit(
            workflow="demo.sleep", params=QUICK, owner="alice", priority="normal"
        )
        low2 = await rt.service.submit(workflow="demo.sleep", params=QUICK, owner="alice", priority="low")
        high1 = await rt.service.submit(workflow="demo.sleep", params=QUICK, owner="alice", priority="high")
        normal2 = await rt.service.submit(
            workflow="demo.sleep", params=QUICK, owner="alice", priority="normal"
        )

        positions = {
            op.id: (await rt.service.get(op.id)).queue_position
            for op in (low1, normal1, low2, high1, normal2)
        }
        assert positions == {high1.id: 1, normal1.id: 2, normal2.id: 3, low1.id: 4, low2.id: 5}

        await rt.service.cancel(blocker.id)
        order = await _start_order(rt, [low1, normal1, low2, high1, normal2])
        assert order == [high1.id, normal1.id, normal2.id, low1.id, low2.id]


async def test_capacity_is_a_typed_error_with_a_retry_hint(
    settings_factory: Callable[..., Settings],
) -> None:
    async with Runtime.open(settings_factory(workers=1, queue_capacity=2, max_running_per_user=10)) as rt:
        blocker = await rt.service.submit(workflow="demo.sleep", params=HOLD, owner="alice")
        await wait_for_status(rt, blocker.id, "running")
        await rt.service.submit(workflow="demo.sleep", params=QUICK, owner="alice")
        await rt.service.submit(workflow="demo.sleep", params=QUICK, owner="bob")
        with pytest.raises(QueueFull) as full:
            await rt.service.submit(workflow="demo.sleep", params=QUICK, owner="carol")
        assert full.value.retry_after_s >= 1
        snapshot = await rt.service.queue_snapshot()
        assert (snapshot.queued, snapshot.running, snapshot.capacity) == (2, 1, 2)
        await rt.service.cancel(blocker.id)


async def test_per_user_queued_limit(settings_factory: Callable[..., Settings]) -> None:
    async with Runtime.open(settings_factory(workers=1, max_queued_per_user=2, max_running_per_user=1)) as rt:
        blocker = await rt.service.submit(workflow="demo.sleep", params=HOLD, owner="alice")
        await wait_for_status(rt, blocker.id, "running")
        await rt.service.submit(workflow="demo.sleep", params=QUICK, owner="alice")
        await rt.service.submit(workflow="demo.sleep", params=QUICK, owner="alice")
        with pytest.raises(UserQuotaExceeded) as quota:
            await rt.service.submit(workflow="demo.sleep", params=QUICK, owner="alice")
        assert quota.value.limit == 2 and quota.value.retry_after_s >= 1
        other = await rt.service.submit(workflow="demo.sleep", params=QUICK, owner="bob")
        assert other.status is OperationStatus.QUEUED
        await rt.service.cancel(blocker.id)


async def test_per_user_running_limit_lets_other_users_through(
    settings_factory: Callable[..., Settings],
) -> None:
    async with Runtime.open(settings_factory(workers=3, max_running_per_user=1)) as rt:
        first = await rt.service.submit(workflow="demo.sleep", params=HOLD, owner="alice")
        second = await rt.service.submit(workflow="demo.sleep", params=HOLD, owner="alice")
        bobs = await rt.service.submit(workflow="demo.sleep", params=HOLD, owner="bob")
        await wait_for_status(rt, first.id, "running")
        await wait_for_status(rt, bobs.id, "running")
        waiting = await rt.service.get(second.id)
        assert waiting.status is OperationStatus.QUEUED and waiting.queue_position == 1
        snapshot = await rt.service.queue_snapshot()
        usage = {u.owner: (u.queued, u.running) for u in snapshot.per_user}
        assert usage == {"alice": (1, 1), "bob": (0, 1)}
        await rt.service.cancel(first.id)
        assert (await wait_for_status(rt, second.id, "running")).status is OperationStatus.RUNNING
        for op in (second, bobs):
            await rt.service.cancel(op.id)


async def test_a_cursor_we_did_not_hand_out_is_refused(runtime: Runtime) -> None:
    import base64
    import json

    from underway.operations.models import OperationFilter
    from underway.store.operations_repo import InvalidCursor

    for forged in (
        "not-base64!",
        base64.urlsafe_b64encode(json.dumps(["2020-01-01T00:00:00", "\u0000"]).encode()).decode(),
    ):
        with pytest.raises(InvalidCursor):
            await runtime.service.list(OperationFilter(owner="alice"), cursor=forged)


async def test_per_user_running_limit_holds_across_two_runtimes(
    settings_factory: Callable[..., Settings],
) -> None:
    settings = settings_factory(workers=4, max_running_per_user=1)
    async with Runtime.open(settings) as first:
        alice1 = await first.service.submit(workflow="demo.sleep", params=HOLD, owner="alice")
        await wait_for_status(first, alice1.id, "running")
        alice2 = await first.service.submit(workflow="demo.sleep", params=HOLD, owner="alice")
        async with Runtime.open(settings) as second:
            # bob's operation queued after alice's second: once the second runtime runs it, that
            # runtime has looked at alice's too, with free workers, and left it queued.
            bobs = await second.service.submit(workflow="demo.sleep", params=QUICK, owner="bob")
            assert (await second.service.wait(bobs.id, timeout=30)).status is OperationStatus.COMPLETED
            assert (await second.service.get(alice2.id)).status is OperationStatus.QUEUED
        await first.service.cancel(alice1.id)
        started = await wait_for_status(first, alice2.id, "running")
        ended = await first.service.get(alice1.id)
        assert ended.finished_at is not None and started.started_at is not None
        assert started.started_at >= ended.finished_at
        await first.service.cancel(alice2.id)
