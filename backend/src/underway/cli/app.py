"""The ``underway`` command: Typer app and the commands that run on the embedded core.

Heavy imports (the runtime, SQLAlchemy, the web stack) happen inside the commands that need them,
so that every invocation does not pay seconds of start-up for what it does not use.
"""

from __future__ import annotations

import asyncio
import getpass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from underway.cli.exit_codes import ExitCode
from underway.cli.params import ParamsError, build_params
from underway.operations.models import Priority
from underway.settings import Settings

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
    server: Annotated[
        str | None, typer.Option(help="Submit to this server (default: UNDERWAY_URL, else the last login).")
    ] = None,
    local: Annotated[
        bool, typer.Option("--local", help="Run in this process even if a server is configured.")
    ] = False,
) -> None:
    """Run a workflow with a live progress bar, on the configured server or else in this process.

    A server is configured by --server, UNDERWAY_URL or `underway login`. Ctrl-C cancels (locally:
    twice stops at once; remotely: asks whether to cancel or detach, and cancels without a terminal).
    """
    try:
        params = build_params(param or [], params_file)
    except ParamsError as exc:
        err_console.print(f"[red]{exc}[/]")
        raise typer.Exit(ExitCode.USAGE) from None
    from underway.cli import config

    target = None if local else config.resolve(server)
    if target is not None:
        from underway.cli.remote import run_remote

        raise typer.Exit(
            run_remote(
                target,
                workflow=workflow,
                params=params,
                priority=priority,
                timeout_s=timeout,
                owner=owner,
                as_json=as_json,
                console=console,
            )
        )
    from underway.cli.local_run import run_local

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
    server: Annotated[str | None, typer.Option(help="List the workflows of this server.")] = None,
    local: Annotated[
        bool, typer.Option("--local", help="This installation's, even if a server is configured.")
    ] = False,
) -> None:
    """List the workflows (of the configured server, else registered here) and their parameters."""
    from underway.cli import config

    target = None if local else config.resolve(server)
    if target is not None:
        from underway.cli.remote import remote_workflows

        remote_workflows(target, as_json=as_json, console=console)
        return
    from underway.cli.render import print_json, workflows_table
    from underway.workflows.registry import default_registry, load_workflow_modules

    load_workflow_modules(Settings().workflow_modules)
    infos = [w.info() for w in default_registry.all()]
    if as_json:
        print_json(console, [i.model_dump(mode="json") for i in infos])
    else:
        console.print(workflows_table(infos))


def main() -> None:
    from underway.cli.config_errors import configuration_problem

    try:
        app()
    except Exception as exc:
        # A bad UNDERWAY_* value or an unimportable workflow module: one readable line, no traceback.
        problem = configuration_problem(exc)
        if problem is None:
            raise
        err_console.print(f"[red]{problem}[/]", highlight=False, soft_wrap=True)
        raise SystemExit(ExitCode.USAGE) from None


# Remote mode: commands that talk to a server (underway/cli/remote/).
from underway.cli.remote import api_keys_app, login, logout, ops_app, triggers_app, webhooks_app  # noqa: E402

app.command()(login)
app.command()(logout)
app.add_typer(ops_app, name="ops")
app.add_typer(api_keys_app, name="api-keys")
app.add_typer(webhooks_app, name="webhooks")
app.add_typer(triggers_app, name="triggers")

# Serving and administration: the web service, the published schemas, accounts.
from underway.cli.chat import chat_app  # noqa: E402
from underway.cli.migrate import migrate  # noqa: E402
from underway.cli.schema import schema  # noqa: E402
from underway.cli.serve import serve  # noqa: E402
from underway.cli.users import users_app  # noqa: E402
from underway.cli.worker import worker  # noqa: E402
from underway.cli.workers import workers_app  # noqa: E402

app.command()(serve)
app.command()(worker)
app.command()(schema)
app.command()(migrate)
app.add_typer(users_app, name="users")
app.add_typer(workers_app, name="workers")
app.add_typer(chat_app, name="chat")
