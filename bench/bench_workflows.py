"""Workflows used only by the benchmarks."""

from __future__ import annotations

import asyncio
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from underway.workflows import Stage, WorkflowContext, workflow


class NoParams(BaseModel):
    model_config = ConfigDict(extra="forbid")


@workflow(name="bench.noop", title="No-op", params=NoParams, stages=[Stage(name="only")])
async def noop(ctx: WorkflowContext, params: NoParams) -> dict[str, Any]:
    return {}


class LoopParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    iterations: int = Field(100_000, ge=1)
    report: bool = True
    work: int = Field(0, ge=0, description="Arithmetic steps of real work per iteration")


@workflow(name="bench.loop", title="Loop", params=LoopParams, stages=[Stage(name="loop")])
async def loop(ctx: WorkflowContext, params: LoopParams) -> dict[str, Any]:
    """The same loop, doing ``work`` steps of arithmetic per iteration, with or without a progress
    call per iteration."""
    await ctx.stage("loop")
    total = 0
    for i in range(params.iterations):
        for j in range(params.work):
            total += (i ^ j) * j % 7
        if params.report:
            ctx.progress(done=i + 1, total=params.iterations)
        if i % 5000 == 0:
            await asyncio.sleep(0)
    return {"total": total}


class WaitParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    checkpoint_every_s: float = 0.01


@workflow(name="bench.wait", title="Wait", params=WaitParams, stages=[Stage(name="wait")])
async def wait_for_cancel(ctx: WorkflowContext, params: WaitParams) -> dict[str, Any]:
    await ctx.stage("wait")
    while True:
        await asyncio.sleep(params.checkpoint_every_s)
        await ctx.checkpoint()


class JobParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reports: int = Field(10, ge=0, le=1000)


@workflow(name="bench.job", title="Job", params=JobParams, stages=[Stage(name="work")])
async def job(ctx: WorkflowContext, params: JobParams) -> dict[str, Any]:
    """The job every system runs in the comparison: nothing, reporting progress ``reports`` times."""
    for i in range(params.reports):
        ctx.progress(done=i + 1, total=params.reports)
    return {}
