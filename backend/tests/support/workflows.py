"""Workflows that exist only for tests (imported by conftest and by CLI subprocesses via
``UNDERWAY_WORKFLOW_MODULES=tests.support.workflows``)."""

from __future__ import annotations

import asyncio
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from underway.workflows import Stage, WorkflowContext, workflow


class ChattyParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    calls: int = Field(100_000, ge=0)


@workflow(
    name="test.chatty",
    title="Chatty",
    params=ChattyParams,
    stages=[Stage(name="count", weight=1)],
    description="Reports progress `calls` times in a tight loop.",
)
async def chatty(ctx: WorkflowContext, params: ChattyParams) -> dict[str, Any]:
    await ctx.stage("count")
    for i in range(params.calls):
        ctx.progress(done=i + 1, total=params.calls)
        if i % 1000 == 0:
            await ctx.checkpoint()
    return {"calls": params.calls}


class HoldParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seconds: float = Field(60, ge=0)


@workflow(
    name="test.fragile",
    title="Fragile",
    params=HoldParams,
    stages=[Stage(name="hold", weight=1)],
    description="Not safe to retry: an interruption fails it.",
    retry_safe=False,
)
async def fragile(ctx: WorkflowContext, params: HoldParams) -> dict[str, Any]:
    await ctx.stage("hold", "Holding")
    await asyncio.sleep(params.seconds)
    return {}


class NotJsonParams(BaseModel):
    model_config = ConfigDict(extra="forbid")


@workflow(name="test.not_json", title="Not JSON", params=NotJsonParams, stages=[Stage(name="only")])
async def not_json(ctx: WorkflowContext, params: NotJsonParams) -> Any:
    await ctx.stage("only")
    return {"when": object()}


@workflow(name="test.crash", title="Crash", params=NotJsonParams, stages=[Stage(name="only")])
async def crash(ctx: WorkflowContext, params: NotJsonParams) -> Any:
    await ctx.stage("only")
    raise RuntimeError("boom")


@workflow(
    name="test.blocking",
    title="Blocking thread",
    params=HoldParams,
    stages=[Stage(name="compute")],
    description="A CPU-bound step run off the loop with ctx.run_sync.",
)
async def blocking(ctx: WorkflowContext, params: HoldParams) -> dict[str, Any]:
    await ctx.stage("compute")

    def spin() -> int:
        import time

        deadline = time.monotonic() + params.seconds
        n = 0
        while time.monotonic() < deadline and not ctx.stop_requested:
            n += 1
            if n % 10_000 == 0:
                ctx.progress(min(1.0, 1 - (deadline - time.monotonic()) / max(params.seconds, 1e-9)))
        return n

    n = await ctx.run_sync(spin)
    await ctx.checkpoint()
    return {"iterations": n}


@workflow(name="test.artifact", title="Artifact", params=NotJsonParams, stages=[Stage(name="write")])
async def write_artifact(ctx: WorkflowContext, params: NotJsonParams) -> dict[str, Any]:
    await ctx.stage("write")
    await ctx.save_artifact("hello.txt", "hello")
    return {}


def count_primes(limit: int) -> int:
    """CPU-bound and module-level, so it can run in a worker process."""
    sieve = bytearray([1]) * (limit + 1)
    sieve[0:2] = b"\x00\x00"
    for i in range(2, int(limit**0.5) + 1):
        if sieve[i]:
            sieve[i * i :: i] = bytearray(len(sieve[i * i :: i]))
    return sum(sieve)


class PrimesParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    limit: int = Field(1_000_000, ge=2)
    chunks: int = Field(4, ge=1)


@workflow(name="test.primes", title="Primes", params=PrimesParams, stages=[Stage(name="sieve")])
async def primes(ctx: WorkflowContext, params: PrimesParams) -> dict[str, Any]:
    await ctx.stage("sieve")
    found = 0
    for chunk in range(params.chunks):
        found = await ctx.run_in_process(count_primes, params.limit)
        ctx.progress(done=chunk + 1, total=params.chunks)
        await ctx.checkpoint()
    return {"primes": found}
