"""``underway run`` on the embedded runtime: submit, follow live, Ctrl-C to cancel (twice to force)."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from typing import Any

from rich.console import Console

from underway.cli.exit_codes import ExitCode
from underway.cli.progress_view import ProgressView
from underway.cli.render import print_field_errors, print_json, print_outcome
from underway.operations.errors import (
    InvalidParams,
    InvalidSubmission,
    OperationFinished,
    QueueFull,
    UserQuotaExceeded,
    WorkflowNotFound,
)
from underway.operations.models import Operation, Priority
from underway.operations.status import OperationStatus
from underway.runtime import Runtime
from underway.settings import Settings


async def run_local(
    settings: Settings,
    *,
    workflow: str,
    params: dict[str, Any],
    priority: Priority,
    timeout_s: float | None,
    owner: str,
    as_json: bool,
    console: Console,
) -> int:
    # Only its own operation: a server on the same database keeps its queue and its running work,
    # and does not take this one either (this process follows it live and cancels it on Ctrl-C).
    async with Runtime.open(settings, own_submissions_only=True) as rt:
        try:
            op = await rt.service.submit(
                workflow=workflow,
                params=params,
                owner=owner,
                priority=priority,
                timeout_s=timeout_s,
            )
        except InvalidParams as exc:
            print_field_errors(console, exc.errors)
            return ExitCode.USAGE
        except (WorkflowNotFound, InvalidSubmission) as exc:
            console.print(f"[red]{exc}[/]")
            return ExitCode.USAGE
        except (QueueFull, UserQuotaExceeded) as exc:
            console.print(f"[red]{exc}[/] (retry in {exc.retry_after_s} s)")
            return ExitCode.BUSY
        Console(stderr=True).print(f"Submitted operation {op.id}")
        interrupted = await _follow(rt, op)
        final = await rt.service.get(op.id)
    if as_json:
        print_json(console, final.model_dump(mode="json"))
    else:
        print_outcome(console, final, settings.artifacts_dir / final.id)
    if interrupted:
        return ExitCode.INTERRUPTED
    return ExitCode.OK if final.status is OperationStatus.COMPLETED else ExitCode.OPERATION_UNSUCCESSFUL


async def _follow(rt: Runtime, op: Operation) -> bool:
    """Show progress until the operation ends; returns True if the user pressed Ctrl-C."""
    loop = asyncio.get_running_loop()
    presses = 0
    pending: set[asyncio.Task[Any]] = set()
    # Progress goes to stderr so that stdout stays clean for --json.
    view = ProgressView(Console(stderr=True), op.workflow)

    async def cancel(force: bool) -> None:
        with contextlib.suppress(OperationFinished):
            await rt.service.cancel(op.id, force=force)

    def on_interrupt() -> None:
        nonlocal presses
        presses += 1
        force = presses > 1
        view.note("Stopping now…" if force else "Cancelling… (press Ctrl-C again to stop at once)")
        task = loop.create_task(cancel(force))
        pending.add(task)
        task.add_done_callback(pending.discard)

    loop.add_signal_handler(signal.SIGINT, on_interrupt)
    try:
        with view:
            async for event in rt.service.subscribe(op.id):
                view.apply(event)
    finally:
        loop.remove_signal_handler(signal.SIGINT)
    await asyncio.gather(*pending, return_exceptions=True)
    return presses > 0
