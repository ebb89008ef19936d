"""``demo.sleep``: a workflow that waits, step by step. Demos and tests drive every lifecycle path with it."""

from __future__ import annotations

import asyncio
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from underway.operations.errors import WorkflowFailure
from underway.workflows import Stage, WorkflowContext, workflow


class SleepParams(BaseModel):
    model_config = ConfigDict(extra="forbid", title="Sleep parameters")

    steps: int = Field(10, ge=1, le=100_000, title="Steps", description="How many steps to run.")
    step_s: float = Field(0.5, ge=0, le=60, title="Step duration (s)", description="Seconds each step takes.")
    fail_at_step: int | None = Field(
        None,
        ge=1,
        title="Fail at step",
        description="Fail the operation when this step is reached.",
    )
    ignore_checkpoints: bool = Field(
        False,
        title="Ignore checkpoints",
        description="Never look at cancellation, to exercise forced cancellation after the grace period.",
    )


@workflow(
    name="demo.sleep",
    title="Sleep (demo)",
    params=SleepParams,
    stages=[
        Stage(name="prepare", description="Get ready", weight=1, expected_duration_s=0.1),
        Stage(name="work", description="Sleep step by step", weight=8),
        Stage(name="finish", description="Wrap up", weight=1, expected_duration_s=0.1),
    ],
    description="Waits for a number of steps, reporting progress; can fail or ignore cancellation on demand.",
    retry_safe=True,
)
async def demo_sleep(ctx: WorkflowContext, params: SleepParams) -> dict[str, Any]:
    await ctx.stage("prepare", "Preparing")
    await ctx.stage("work")
    for step in range(1, params.steps + 1):
        if params.fail_at_step == step:
            raise WorkflowFailure(f"Failed on purpose at step {step}")
        if params.step_s:
            await asyncio.sleep(params.step_s)
        ctx.progress(done=step, total=params.steps, message=f"Step {step} of {params.steps}")
        if not params.ignore_checkpoints:
            await ctx.checkpoint()
    await ctx.stage("finish", "Finishing")
    return {"steps": params.steps}
