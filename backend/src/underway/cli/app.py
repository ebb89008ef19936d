"""The ``underway`` command: Typer app and the commands that run on the embedded core."""

from __future__ import annotations

import asyncio
import getpass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from underway.cli.exit_codes import ExitCode
from underway.cli.local_run import run_local
from underway.cli.params import ParamsError, build_params
from underway.cli.render import print_json, workflows_table
from underway.operations.models import Priority
from underway.settings import Settings
from underway.workflows.registry import default_registry, load_workflow_modules

app = typer.Typer(
    name="underway",
    help="Run long Python jobs as operations you can watch, cancel and audit.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)


@app.command()
def run(
    workflow: Annotated[
        str, typer.Argument(help="Workflow name, e.g. demo.sleep (see `underway workflows`).")
    ],
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="key=value; JSON values allowed; repeat a key for a list."),
    ] = None,
    params_file: Annotated[Path | None, typer.Option(help="JSON file with the parameters.")] = None,
    priority: Annotated[Priority, typer.Option(help="Queue priority.")] = Priority.NORMAL,
    timeout: Annotated[float | None, typer.Option(help="Timeout in seconds (default from settings).")] = None,
    owner: Annotated[str | None, typer.Option("--as", help="Owner recorded on the operation.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the final operation as JSON.")] = False,
) -> None:
    """Run a workflow in this process with a live progress bar. Ctrl-C cancels (twice: at once)."""
    try:
        params = build_params(param or [], params_file)
    except ParamsError as exc:
        err_console.print(f"[red]{exc}[/]")
        raise typer.Exit(ExitCode.USAGE) from None
    code = asyncio.run(
        run_local(
            Settings(),
            workflow=workflow,
            params=params,
            priority=priority,
            timeout_s=timeout,
            owner=owner or getpass.getuser(),
            as_json=as_json,
            console=console,
        )
    )
    raise typer.Exit(code)


@app.command()
def workflows(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (with parameter schemas).")] = False,
) -> None:
    """List the registered workflows and their parameters."""
    load_workflow_modules(Settings().workflow_modules)
    infos = [w.info() for w in default_registry.all()]
    if as_json:
        print_json(console, [i.model_dump(mode="json") for i in infos])
    else:
        console.print(workflows_table(infos))


def main() -> None:
    app()
