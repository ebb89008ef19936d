"""Idempotent submission: same key and payload returns the existing operation, exactly once."""

from __future__ import annotations

import asyncio

import pytest

from underway.operations.errors import IdempotencyConflict
from underway.operations.models import OperationFilter
from underway.runtime import Runtime

PARAMS = {"steps": 1, "step_s": 0}


async def test_same_key_same_payload_returns_the_same_operation(runtime: Runtime) -> None:
    first = await runtime.service.submit(
        workflow="demo.sleep", params=PARAMS, owner="alice", idempotency_key="k1"
    )
    again = await runtime.service.submit(
        workflow="demo.sleep", params=PARAMS, owner="alice", idempotency_key="k1"
    )
    assert again.id == first.id
    other_user = await runtime.service.submit(
        workflow="demo.sleep", params=PARAMS, owner="bob", idempotency_key="k1"
    )
    assert other_user.id != first.id


async def test_same_key_different_payload_is_a_conflict(runtime: Runtime) -> None:
    first = await runtime.service.submit(
        workflow="demo.sleep", params=PARAMS, owner="alice", idempotency_key="k2"
    )
    with pytest.raises(IdempotencyConflict) as conflict:
        await runtime.service.submit(
            workflow="demo.sleep",
            params={"steps": 2, "step_s": 0},
            owner="alice",
            idempotency_key="k2",
        )
    assert conflict.value.existing_id == first.id


async def test_concurrent_submits_with_one_key_create_exactly_one_operation(
    runtime: Runtime,
) -> None:
    results = await asyncio.gather(
        *[
            runtime.service.submit(
                workflow="demo.sleep", params=PARAMS, owner="alice", idempotency_key="race"
            )
            for _ in range(25)
        ]
    )
    assert len({op.id for op in results}) == 1
    page = await runtime.service.list(OperationFilter(owner="alice"))
    assert len(page.items) == 1
