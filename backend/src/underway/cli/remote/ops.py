"""``underway ops``: list, show, watch, cancel, read the events of and download from remote operations."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from underway.cli.exit_codes import ExitCode
from underway.cli.params import ParamsError, build_params
from underway.cli.remote.common import JsonOption, ServerOption, console, err_console, fail, remote
from underway.cli.remote.run import watch
from underway.cli.render import print_json, print_outcome
from underway.client._endpoints import OperationFilters
from underway.operations.models import Operation, OperationEvent, Priority
from underway.operations.status import OperationStatus

ops_app = typer.Typer(
    name="ops",
    help="Operations on a server: submit, list, show, watch, cancel, events, download.",
    no_args_is_help=True,
)

IdArg = Annotated[str, typer.Argument(help="Operation id.", show_default=False)]


@ops_app.command("submit")
def submit(
    workflow: Annotated[
        str, typer.Argument(help="Workflow name (see `underway workflows`).", show_default=False)
    ],
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="key=value; JSON values allowed; repeat a key for a list."),
    ] = None,
    params_file: Annotated[Path | None, typer.Option(help="JSON file with the parameters.")] = None,
    priority: Annotated[Priority, typer.Option(help="Queue priority.")] = Priority.NORMAL,
    timeout: Annotated[float | None, typer.Option(help="Timeout in seconds (default: the server's).")] = None,
    idempotency_key: Annotated[
        str | None, typer.Option(help="Submitting again with the same key returns the same operation.")
    ] = None,
    server: ServerOption = None,
    as_json: JsonOption = False,
) -> None:
    """Submit an operation and return at once (prints its id; `underway run` follows it instead)."""
    try:
        params = build_params(param or [], params_file)
    except ParamsError as exc:
        fail(str(exc), ExitCode.USAGE)
    with remote(server) as client:
        op = client.submit(
            workflow, params, priority=priority, timeout_s=timeout, idempotency_key=idempotency_key
        )
    if as_json:
        print_json(console, op.model_dump(mode="json"))
        return
    where = f", position {op.queue_position}" if op.queue_position is not None else ""
    err_console.print(f"Submitted operation {op.id} ({op.status.value}{where})", highlight=False)
    console.print(op.id, markup=False, highlight=False)


@ops_app.command("list")
def list_ops(
    status: Annotated[
        list[OperationStatus] | None, typer.Option("--status", "-s", help="Only these statuses (repeatable).")
    ] = None,
    workflow: Annotated[str | None, typer.Option(help="Only this workflow.")] = None,
    all_users: Annotated[
        bool, typer.Option("--all-users", help="Everyone's operations (administrators).")
    ] = False,
    owner: Annotated[str | None, typer.Option(help="Only this user's operations (administrators).")] = None,
    limit: Annotated[int, typer.Option(min=1, max=200, help="Operations per page.")] = 20,
    cursor: Annotated[str | None, typer.Option(help="`next_cursor` of the previous page.")] = None,
    server: ServerOption = None,
    as_json: JsonOption = False,
) -> None:
    """List operations, newest first.

    --json prints the page: `{"items": [...], "next_cursor": ...}`.
    """
    filters: OperationFilters = {"status": status, "workflow": workflow, "limit": limit}
    with remote(server) as client:
        if all_users or owner is not None:
            page = client.admin_operations(owner=owner, cursor=cursor, **filters)
        else:
            page = client.list(cursor=cursor, **filters)
    if as_json:
        print_json(console, page.model_dump(mode="json"))
        return
    console.print(_ops_table(page.items, show_owner=all_users or owner is not None))
    if page.next_cursor:
        err_console.print(f"More: --cursor {page.next_cursor}", highlight=False)


@ops_app.command("show")
def show(operation_id: IdArg, server: ServerOption = None, as_json: JsonOption = False) -> None:
    """Show one operation: status, progress, result, error, artifacts."""
    with remote(server) as client:
        op = client.get(operation_id)
    if as_json:
        print_json(console, op.model_dump(mode="json"))
        return
    progress = op.progress
    stage = (
        f" · {progress.stage} {progress.stage_index + 1}/{progress.total_stages}"
        if (progress.stage is not None and progress.stage_index is not None)
        else ""
    )
    console.print(f"[bold]{op.workflow}[/] owned by {op.owner}, priority {op.priority.value}")
    console.print(f"Progress: {progress.percent:.0f}%{stage} {progress.message or ''}".rstrip())
    if op.queue_position is not None:
        console.print(f"Queue position: {op.queue_position}")
    console.print(f"Created {op.created_at:%Y-%m-%d %H:%M:%S}" + _times(op))
    print_outcome(console, op)


@ops_app.command("watch")
def watch_op(operation_id: IdArg, server: ServerOption = None, as_json: JsonOption = False) -> None:
    """Follow an operation live until it finishes.

    Resumes after a network loss. Ctrl-C stops watching (the operation goes on) and exits 130.
    Exits 0 if it completed, 1 otherwise.
    """
    with remote(server) as client:
        code = watch(
            client, client.get(operation_id), as_json=as_json, console=console, on_interrupt="detach"
        )
    raise typer.Exit(code)


@ops_app.command("cancel")
def cancel(
    operation_id: IdArg,
    wait: Annotated[
        bool, typer.Option("--wait", help="Wait until it has stopped; exit 0 if cancelled.")
    ] = False,
    server: ServerOption = None,
    as_json: JsonOption = False,
) -> None:
    """Cancel an operation.

    A queued operation is cancelled at once; a running one is asked to stop. Exits 1 if it had
    already finished.
    """
    with remote(server) as client:
        op = client.cancel(operation_id)
        if wait:
            op = client.wait(operation_id)
    if as_json:
        print_json(console, op.model_dump(mode="json"))
    else:
        console.print(f"Operation [bold]{op.id}[/] {op.status.value}")
    if wait and op.status is not OperationStatus.CANCELLED:
        raise typer.Exit(ExitCode.OPERATION_UNSUCCESSFUL)


@ops_app.command("events")
def events(
    operation_id: IdArg,
    after: Annotated[int, typer.Option("--after", min=0, help="Only events with seq above this.")] = 0,
    server: ServerOption = None,
    as_json: JsonOption = False,
) -> None:
    """Print an operation's event log (status changes, stages, progress, logs)."""
    with remote(server) as client:
        items = client.events(operation_id, after_seq=after)
    if as_json:
        print_json(console, [e.model_dump(mode="json") for e in items])
        return
    console.print(_events_table(items))


@ops_app.command("download")
def download(
    operation_id: IdArg,
    name: Annotated[str | None, typer.Argument(help="Artifact name (default: all of them).")] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Directory to write into.")] = Path(),
    server: ServerOption = None,
    as_json: JsonOption = False,
) -> None:
    """Download an operation's artifacts.

    Streamed to disk; an interrupted download never leaves a partial file under the real name.
    """
    if out.exists() and not out.is_dir():
        fail(f"--out {out} is not a directory", ExitCode.USAGE)
    out.mkdir(parents=True, exist_ok=True)
    with remote(server) as client:
        names = [name] if name is not None else [a.name for a in client.get(operation_id).artifacts]
        if not names:
            fail(f"Operation {operation_id} has no artifacts.", ExitCode.NOT_FOUND)
        written = [client.download(operation_id, n, out) for n in names]
    if as_json:
        print_json(
            console,
            [
                {"name": n, "path": str(p), "size": p.stat().st_size}
                for n, p in zip(names, written, strict=True)
            ],
        )
        return
    for path in written:
        console.print(f"{path} ({path.stat().st_size} bytes)", highlight=False)


def _times(op: Operation) -> str:
    started = f", started {op.started_at:%H:%M:%S}" if op.started_at else ""
    finished = f", finished {op.finished_at:%H:%M:%S}" if op.finished_at else ""
    return started + finished


_STATUS_STYLE = {"completed": "green", "failed": "red", "cancelled": "yellow", "timed_out": "red"}


def _ops_table(ops: list[Operation], *, show_owner: bool) -> Table:
    table = Table(title="Operations")
    table.add_column("ID", no_wrap=True)
    table.add_column("Workflow")
    if show_owner:
        table.add_column("Owner")
    table.add_column("Status")
    table.add_column("Progress", justify="right")
    table.add_column("Created")
    for op in ops:
        style = _STATUS_STYLE.get(op.status.value, "cyan")
        cells = [op.id, op.workflow]
        if show_owner:
            cells.append(op.owner)
        cells += [
            f"[{style}]{op.status.value}[/]",
            f"{op.progress.percent:.0f}%",
            f"{op.created_at:%Y-%m-%d %H:%M:%S}",
        ]
        table.add_row(*cells)
    return table


def _events_table(items: list[OperationEvent]) -> Table:
    table = Table(title="Events")
    for column in ("Seq", "Time", "Type", "Status", "Progress", "Message"):
        table.add_column(column)
    for e in items:
        stage = f"{e.stage} " if e.stage else ""
        message = f"{e.level}: {e.message}" if e.level else (e.message or "")
        table.add_row(
            str(e.seq),
            f"{e.ts:%H:%M:%S.%f}"[:-3],
            e.type.value,
            e.status.value,
            f"{stage}{e.percent:.0f}%",
            message,
        )
    return table
