"""The legality table in operations/status.py cannot be bypassed, not even by the code's own callers."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from underway.operations.status import OperationStatus
from underway.runtime import Runtime
from underway.settings import Settings


async def test_narrowing_a_transition_to_an_illegal_source_fails_loudly_and_writes_nothing(
    settings_factory: Callable[..., Settings],
) -> None:
    async with Runtime.open(settings_factory(), start_workers=False) as rt:
        op = await rt.service.submit(workflow="demo.sleep", params={"steps": 1, "step_s": 0}, owner="alice")
        with pytest.raises(ValueError, match="illegal transition to completed from queued"):
            await rt.repo.transition(op.id, OperationStatus.COMPLETED, only_from=[OperationStatus.QUEUED])
        after = await rt.service.get(op.id)
        assert after.status is OperationStatus.QUEUED and after.last_seq == op.last_seq
