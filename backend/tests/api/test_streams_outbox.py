"""The per-connection outbox: bounded, coalesces progress under pressure, never drops anything else."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from underway.api.streams.outbox import Outbox
from underway.operations.models import EventType, OperationEvent
from underway.operations.status import OperationStatus


def event(seq: int, type_: EventType = EventType.PROGRESS, op: str = "a") -> OperationEvent:
    return OperationEvent(
        seq=seq, operation_id=op, type=type_, status=OperationStatus.RUNNING, ts=datetime.now(UTC)
    )


async def drain(outbox: Outbox) -> list[tuple[str, int]]:
    outbox.close()
    out = []
    while (e := await outbox.get()) is not None:
        out.append((e.operation_id, e.seq))
    return out


async def test_below_capacity_everything_passes_in_order() -> None:
    outbox = Outbox(4)
    for seq in (1, 2, 3):
        await outbox.put(event(seq))
    assert await drain(outbox) == [("a", 1), ("a", 2), ("a", 3)]
    assert outbox.coalesced == 0


async def test_when_full_progress_replaces_the_newest_pending_progress() -> None:
    outbox = Outbox(2)
    await outbox.put(event(1, EventType.STAGE))
    await outbox.put(event(2))
    await outbox.put(event(3))  # full: replaces 2
    await outbox.put(event(4))  # replaces 3
    assert await drain(outbox) == [("a", 1), ("a", 4)]
    assert outbox.coalesced == 2


async def test_progress_never_jumps_over_a_pending_stage_of_its_operation() -> None:
    outbox = Outbox(3)
    await outbox.put(event(1))
    await outbox.put(event(2, EventType.STAGE))
    await outbox.put(event(1, op="b"))
    put = asyncio.create_task(outbox.put(event(3)))  # a's newest pending is a stage: must wait
    await asyncio.sleep(0)
    assert not put.done()
    first = await outbox.get()
    assert first is not None and (first.operation_id, first.seq) == ("a", 1)
    await asyncio.wait_for(put, 5)
    assert await drain(outbox) == [("a", 2), ("b", 1), ("a", 3)]


@pytest.mark.parametrize("kind", [EventType.STATUS, EventType.STAGE, EventType.LOG])
async def test_other_events_wait_for_room_instead_of_being_dropped(kind: EventType) -> None:
    outbox = Outbox(1)
    await outbox.put(event(1))
    put = asyncio.create_task(outbox.put(event(2, kind)))
    await asyncio.sleep(0)
    assert not put.done() and len(outbox) == 1
    got = await outbox.get()
    assert got is not None and got.seq == 1
    await asyncio.wait_for(put, 5)
    assert await drain(outbox) == [("a", 2)]


async def test_get_waits_for_an_event_or_the_close() -> None:
    outbox = Outbox(1)
    getter = asyncio.create_task(outbox.get())
    await asyncio.sleep(0)
    assert not getter.done()
    outbox.close()
    assert await asyncio.wait_for(getter, 5) is None
