"""Workflows that exist only for tests (imported by conftest and by CLI subprocesses via
``UNDERWAY_WORKFLOW_MODULES=tests.support.workflows``)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from underway.workflows import Stage, WorkflowContext, workflow


class ChattyParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    calls: int = Field(100_000, ge=0)
    in_thread: bool = Field(False, description="Report from a ctx.run_sync worker thread.")
    log_every: int = Field(0, ge=0, description="Also log a line every this many calls (0: never).")


@workflow(
    name="test.chatty",
    title="Chatty",
    params=ChattyParams,
    stages=[Stage(name="count", weight=1)],
    description="Reports progress `calls` times in a tight loop, on the event loop or from a thread.",
)
async def chatty(ctx: WorkflowContext, params: ChattyParams) -> dict[str, Any]:
    await ctx.stage("count")

    def report(i: int) -> None:
        ctx.progress(done=i + 1, total=params.calls, message=f"Call {i + 1} of {params.calls}")
        if params.log_every and (i + 1) % params.log_every == 0:
            ctx.log(f"{i + 1} calls")

    def report_all() -> None:
        for i in range(params.calls):
            report(i)

    if params.in_thread:
        await ctx.run_sync(report_all)
    else:
        for i in range(params.calls):
            report(i)
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


class NoParams(BaseModel):
    model_config = ConfigDict(extra="forbid")


@workflow(
    name="test.no_stage",
    title="Progress without a stage",
    params=NoParams,
    stages=[Stage(name="first"), Stage(name="second")],
    description="Reports progress without ever calling ctx.stage().",
)
async def no_stage(ctx: WorkflowContext, params: NoParams) -> dict[str, Any]:
    ctx.progress(0.5, message="Halfway without a stage")
    return {}


@workflow(
    name="test.quick_stages",
    title="Quick stages",
    params=NoParams,
    stages=[Stage(name="a"), Stage(name="b")],
    description="Reports progress and changes stage at once, before the report would have left.",
)
async def quick_stages(ctx: WorkflowContext, params: NoParams) -> dict[str, Any]:
    await ctx.stage("a")
    ctx.progress(0.5, message="Half of a")
    await ctx.stage("b")
    return {}


@workflow(
    name="test.eta_probe",
    title="ETA probe",
    params=NoParams,
    stages=[Stage(name="work")],
    description="Its first progress event is below 1 %, too little for a rate-based ETA.",
)
async def eta_probe(ctx: WorkflowContext, params: NoParams) -> dict[str, Any]:
    await ctx.stage("work")
    ctx.progress(0.001, message="Just started")
    ctx.log("Started")  # a log line sends the held-back report first, so it is the first progress event
    await asyncio.sleep(0.3)  # a duration worth recording for the next run's ETA
    ctx.progress(1.0, message="Done")
    return {}


class UntilCancelParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    then: Literal["return", "checkpoint"] = Field(
        description="Once the cancel is requested: return a result (it wins) or checkpoint (the cancel wins)."
    )


@workflow(
    name="test.until_cancel",
    title="Until cancel",
    params=UntilCancelParams,
    stages=[Stage(name="wait")],
    description="Waits for a cancel request, reports and logs after it, then returns or checkpoints.",
)
async def until_cancel(ctx: WorkflowContext, params: UntilCancelParams) -> dict[str, Any]:
    await ctx.stage("wait", "Waiting for a cancel")
    ctx.progress(0.5, message="Waiting for a cancel")
    await ctx.wait_for_stop()
    ctx.progress(0.9, message="Saw the cancel")
    ctx.log("Wrapping up after the cancel")
    if params.then == "checkpoint":
        await ctx.checkpoint()
    return {"finished": True}


@workflow(
    name="test.partial",
    title="Partial output",
    params=NoParams,
    stages=[Stage(name="write")],
    description="Saves a first artifact, reports progress, then waits to be cancelled.",
)
async def partial(ctx: WorkflowContext, params: NoParams) -> dict[str, Any]:
    await ctx.stage("write")
    await ctx.save_artifact("part-1.csv", "id,value\n1,42\n")
    ctx.progress(0.4, message="Part 1 of 3 written")
    ctx.log("Part 1 saved")
    await ctx.wait_for_stop()
    await ctx.checkpoint()
    return {}


@workflow(
    name="test.gpu",
    title="Needs a GPU",
    params=NoParams,
    stages=[Stage(name="compute")],
    description="Runs only on workers offering the `gpu` capability.",
    requires=["gpu"],
)
async def needs_gpu(ctx: WorkflowContext, params: NoParams) -> dict[str, Any]:
    await ctx.stage("compute")
    return {"worker_pid": os.getpid()}


class RecordParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    log: str = Field(description="A file each run appends a line to: '<operation id> <pid> start|end'.")
    hold_s: float = Field(0.0, ge=0)
    gate: str | None = Field(None, description="Then wait until this file exists.")


@workflow(
    name="test.record",
    title="Record runs",
    params=RecordParams,
    stages=[Stage(name="hold")],
    description="Appends a line per start and end to a file, holding in between (cancellable).",
    retry_safe=True,
)
async def record(ctx: WorkflowContext, params: RecordParams) -> dict[str, Any]:
    await ctx.stage("hold")
    _append(params.log, f"{ctx.operation_id} {os.getpid()} start")
    await ctx.wait_for_stop(params.hold_s)
    await ctx.checkpoint()
    if params.gate is not None:
        opened = Path(params.gate)
        # Polling a file is this workflow's behaviour (like a job watching an external system).
        while not await asyncio.to_thread(opened.exists):
            await ctx.wait_for_stop(0.02)
            await ctx.checkpoint()
    _append(params.log, f"{ctx.operation_id} {os.getpid()} end")
    return {"pid": os.getpid()}


def _append(path: str, line: str) -> None:
    # One write of a short line with O_APPEND: lines of concurrent processes never interleave.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, (line + "\n").encode())
    finally:
        os.close(fd)


class FailWithParams(BaseModel):
    message: str = Field(min_length=1, max_length=200)


@workflow(name="test.fail_with", title="Fail with", params=FailWithParams, stages=[Stage(name="only")])
async def fail_with(ctx: WorkflowContext, params: FailWithParams) -> Any:
    """Fails with the message given (what the user sees as the operation's error)."""
    from underway.operations.errors import WorkflowFailure

    await ctx.stage("only")
    raise WorkflowFailure(params.message)
