"""``underway serve``: the API, the dispatcher and the workers in one process, plus the web app."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Annotated

import typer
from rich.console import Console

from underway.settings import Settings

console = Console()
STARTUP_FAILURE = 3  # uvicorn's own exit code when it cannot start


def serve(
    host: Annotated[
        str, typer.Option(help="Interface to listen on (0.0.0.0: every interface).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="TCP port.")] = 8000,
    workers: Annotated[
        int | None,
        typer.Option(
            min=0, help="Operations run at once here (default: UNDERWAY_WORKERS); 0 serves the API only."
        ),
    ] = None,
    bootstrap_admin: Annotated[
        bool,
        typer.Option(
            help="When no administrator exists, create 'admin' with a generated password and print it."
        ),
    ] = False,
) -> None:
    """Serve the API at /api/v1 (docs at /api/v1/docs) and the web app at /, and run operations.

    SIGTERM stops it gracefully: open streams close (1012), requests finish, then running operations
    may finish for up to UNDERWAY_SHUTDOWN_GRACE_S before the restart policy settles them."""
    # Imported here: `underway run` and friends should not pay for the web stack at start-up.
    import uvicorn

    from underway.api.app import create_app
    from underway.api.server import uvicorn_config
    from underway.api.static import mount_web_app, web_dir_of
    from underway.workflows.registry import load_workflow_modules

    settings = Settings() if workers is None else Settings(workers=workers)
    # Here rather than at the app's start-up, where uvicorn would bury the error in a traceback.
    load_workflow_modules(settings.workflow_modules)
    base_url = f"http://{_display_host(host)}:{port}"
    if bootstrap_admin:
        password = asyncio.run(_bootstrap_admin(settings))
        if password is not None:
            _print_admin_login(base_url, password)

    app = create_app(settings)
    web_dir = web_dir_of(settings)
    if web_dir is not None:
        mount_web_app(app, web_dir)
        console.print(f"Web app: {base_url}/  (from {web_dir})")
    else:
        console.print(
            "[yellow]No web app build found (set UNDERWAY_WEB_DIR or run `npm run build`); API only.[/]"
        )
    console.print(f"API: {base_url}/api/v1  (docs: {base_url}/api/v1/docs)")
    server = uvicorn.Server(uvicorn_config(app, settings, host=host, port=port))
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C: uvicorn has already shut down gracefully
        server.run()
    if not server.started:  # it could not bind, or the app failed to start (see the log above)
        raise typer.Exit(STARTUP_FAILURE)


async def _bootstrap_admin(settings: Settings) -> str | None:
    from underway.auth.service import ensure_admin
    from underway.cli.database import migrated_engine

    async with migrated_engine(settings) as engine:
        return await ensure_admin(engine)


def _display_host(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104 (comparing, not binding)


def _print_admin_login(base_url: str, password: str) -> None:
    # Shown once: only its hash is stored. `underway users` manages accounts later.
    console.print(
        "\n[bold]An administrator account was created.[/] Sign in now and keep the password safe; "
        "it is not shown again.\n"
        f"  URL:      {base_url}/\n"
        "  Username: admin\n"
        f"  Password: {password}\n",
        highlight=False,
    )
