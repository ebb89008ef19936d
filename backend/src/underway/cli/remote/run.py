"""``underway run`` against a server: submit, follow with the progress bar, Ctrl-C to cancel or detach."""

from __future__ import annotations

from typing import Any

from rich.console import Console

from underway.cli.config import Target
from underway.cli.exit_codes import ExitCode
from underway.cli.remote.common import connected, err_console, fail
from underway.cli.remote.follow import OnInterrupt, follow
from underway.cli.render import print_json, print_outcome
from underway.client import Client
from underway.operations.models import Operation, Priority
from underway.operations.status import OperationStatus


def run_remote(
    target: Target,
    *,
    workflow: str,
    params: dict[str, Any],
    priority: Priority,
    timeout_s: float | None,
    owner: str | None,
    as_json: bool,
    console: Console,
) -> int:
    if owner is not None:
        fail(
            "--as is for local runs only: on a server, operations belong to the signed-in user.",
            ExitCode.USAGE,
        )
    with connected(target) as client:
        op = client.submit(workflow, params, priority=priority, timeout_s=timeout_s)
        err_console.print(f"Submitted operation {op.id} to {target.url}", highlight=False)
        return watch(client, op, as_json=as_json, console=console, on_interrupt="ask")


def watch(
    client: Client, op: Operation, *, as_json: bool, console: Console, on_interrupt: OnInterrupt
) -> int:
    """Follow ``op`` to its end (or until detached), print it, and return the exit code."""
    outcome = follow(client, op, err_console, on_interrupt)
    final = outcome.operation
    if as_json:
        print_json(console, final.model_dump(mode="json"))
    elif final.status.is_terminal:
        print_outcome(console, final)
        if final.artifacts:
            console.print(f"Download with `underway ops download {final.id}`.", highlight=False)
    if outcome.detached and not final.status.is_terminal:
        return ExitCode.INTERRUPTED  # it goes on: its outcome is not known yet
    return exit_code_of(final)  # also after a cancel: 1 once cancelled (0 if it completed first)


def exit_code_of(op: Operation) -> ExitCode:
    return ExitCode.OK if op.status is OperationStatus.COMPLETED else ExitCode.OPERATION_UNSUCCESSFUL
