"""``test.gate``: runs until a file appears, so a test decides when an operation finishes without
guessing durations. Retry-safe, so an interruption shows up as a re-queue (attempt + 1).

Imported by the tests that use it; CLI subprocesses load it with ``UNDERWAY_WORKFLOW_MODULES``."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from underway.workflows import Stage, WorkflowContext, workflow

GATE_MODULES = '["tests.support.workflows", "tests.support.gate"]'


class GateParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    path: str


@workflow(
    name="test.gate",
    title="Gate",
    params=GateParams,
    stages=[Stage(name="wait")],
    description="Waits (cancellable) until the file at `path` exists.",
    retry_safe=True,
)
async def gate(ctx: WorkflowContext, params: GateParams) -> dict[str, Any]:
    await ctx.stage("wait", "Waiting for the gate")
    # Polling a file is this workflow's behaviour (like a job watching an external system).
    opened = Path(params.path)
    while True:
        await ctx.checkpoint()
        if await asyncio.to_thread(opened.exists):
            return {"opened": True}
        await asyncio.sleep(0.01)
