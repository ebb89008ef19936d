"""Live streams never lose an event: resume from any seq, slow subscribers, coalesced progress."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import insert, update

from underway.operations.models import EventType, OperationEvent
from underway.operations.status import OperationStatus
from underway.runtime import Runtime
from underway.settings import Settings
from underway.store.engine import create_writer_engine
from underway.store.mapping import event_values
from underway.store.writer.transaction import EVENTS, OPERATIONS


async def test_resume_from_any_seq_mid_run_has_no_gap_and_no_duplicate(runtime: Runtime) -> None:
    op = await runtime.service.submit(
        workflow="demo.sleep", params={"steps": 60, "step_s": 0.01}, owner="alice"
    )
    seen: list[OperationEvent] = []
    # Follow for a while, "disconnect", then reconnect from the last seen seq, several times.
    for _ in range(3):
        after = seen[-1].seq if seen else 0
        async for event in runtime.service.subscribe(op.id, after_seq=after):
            seen.append(event)
            if event.seq >= after + 4:
                break
    async for event in runtime.service.subscribe(op.id, after_seq=seen[-1].seq):
        seen.append(event)
    final = await runtime.service.get(op.id)
    assert final.status is OperationStatus.COMPLETED
    assert [e.seq for e in seen] == list(range(1, final.last_seq + 1))
    assert seen == await runtime.service.events(op.id)


async def test_subscribing_after_the_end_replays_the_log_and_ends(runtime: Runtime) -> None:
    op = await runtime.service.submit(workflow="demo.sleep", params={"steps": 3, "step_s": 0}, owner="alice")
    final = await runtime.service.wait(op.id, timeout=10)
    replay = [e async for e in runtime.service.subscribe(op.id)]
    assert [e.seq for e in replay] == list(range(1, final.last_seq + 1))
    tail = [e async for e in runtime.service.subscribe(op.id, after_seq=final.last_seq)]
    assert tail == []


async def test_a_subscriber_that_never_reads_does_not_slow_the_workflow_and_loses_nothing(
    runtime: Runtime,
) -> None:
    op = await runtime.service.submit(workflow="test.chatty", params={"calls": 200_000}, owner="alice")
    stalled = runtime.service.subscribe(op.id)
    first = await anext(stalled)  # subscribed, then stops reading while the workflow runs
    final = await runtime.service.wait(op.id, timeout=60)
    assert final.status is OperationStatus.COMPLETED
    rest = [e async for e in stalled]
    assert [first.seq, *[e.seq for e in rest]] == list(range(1, final.last_seq + 1))


async def test_progress_is_coalesced_but_stage_changes_and_the_last_event_are_kept(
    runtime: Runtime,
) -> None:
    op = await runtime.service.submit(workflow="test.chatty", params={"calls": 100_000}, owner="alice")
    final = await runtime.service.wait(op.id, timeout=60)
    events = await runtime.service.events(op.id)
    progress = [e for e in events if e.type is EventType.PROGRESS]
    assert final.status is OperationStatus.COMPLETED
    assert len(events) < 500, f"100,000 progress calls must not become {len(events)} rows"
    assert progress, "coalesced, not dropped"
    assert [e.stage for e in events if e.type is EventType.STAGE] == ["count"]
    # The final report itself is stored (its message says so), not only the 100 % of the end.
    assert (progress[-1].percent, progress[-1].message) == (100, "Call 100000 of 100000")
    assert events[-1].status is OperationStatus.COMPLETED and events[-1].percent == 100


async def test_many_concurrent_subscribers_all_get_every_event(runtime: Runtime) -> None:
    op = await runtime.service.submit(
        workflow="demo.sleep", params={"steps": 30, "step_s": 0.01}, owner="alice"
    )

    async def collect() -> list[int]:
        return [e.seq async for e in runtime.service.subscribe(op.id)]

    results = await asyncio.wait_for(asyncio.gather(*(collect() for _ in range(50))), 30)
    final = await runtime.service.get(op.id)
    assert all(r == list(range(1, final.last_seq + 1)) for r in results)


async def subscribed(rt: Runtime) -> None:
    # The broker signals nothing on subscribe: yield to the feed's task until its subscription shows.
    while rt.broker.subscriber_count == 0:  # noqa: ASYNC110
        await asyncio.sleep(0)


async def test_the_all_operations_feed_sees_a_new_operation_as_soon_as_it_is_queued(
    settings_factory: Callable[..., Settings],
) -> None:
    async with Runtime.open(settings_factory(workers=1)) as rt:
        feed = rt.service.subscribe_all()
        first = asyncio.ensure_future(anext(feed))
        await asyncio.wait_for(subscribed(rt), 10)  # the feed must be listening before the submit
        op = await rt.service.submit(workflow="demo.sleep", params={"steps": 1, "step_s": 0}, owner="alice")
        event = await asyncio.wait_for(first, 10)
        assert (event.operation_id, event.seq, event.status) == (op.id, 1, OperationStatus.QUEUED)
        await feed.aclose()


async def test_an_event_whose_process_died_before_telling_anyone_still_reaches_subscribers(
    settings_factory: Callable[..., Settings],
) -> None:
    """Another process committed an event and died before its change notification went out (on
    PostgreSQL notifications follow their commits): the subscribers here still get it, live."""
    settings = settings_factory(workers=0, heartbeat_s=0.1, worker_lease_s=1)
    async with Runtime.open(settings) as rt:
        op = await rt.service.submit(workflow="demo.sleep", params={"steps": 1}, owner="alice")
        followed: list[OperationEvent] = []
        first = asyncio.Event()

        async def follow() -> None:
            async for event in rt.service.subscribe(op.id):
                followed.append(event)
                first.set()

        follower = asyncio.create_task(follow())
        await asyncio.wait_for(first.wait(), timeout=10)  # the log so far; then it waits live
        # The other process's last commit, exactly as it left the database: the operation moved on
        # and its event is in the log, but nobody was notified.
        cancelled = OperationEvent(
            operation_id=op.id,
            seq=2,
            type=EventType.STATUS,
            status=OperationStatus.CANCELLED,
            percent=0.0,
            total_stages=op.progress.total_stages,
            message="Cancelled elsewhere",
            ts=datetime.now(UTC),
        )
        engine = create_writer_engine(settings.resolved_database_url)
        try:
            with engine.begin() as conn:
                conn.execute(
                    update(OPERATIONS)
                    .where(OPERATIONS.c.id == op.id)
                    .values(status="cancelled", last_seq=2, finished_at=cancelled.ts)
                )
                conn.execute(insert(EVENTS), [event_values(cancelled)])
        finally:
            engine.dispose()
        await asyncio.wait_for(follower, timeout=20)
    assert [(e.seq, e.status) for e in followed] == [
        (1, OperationStatus.QUEUED),
        (2, OperationStatus.CANCELLED),
    ]
