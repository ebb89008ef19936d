"""``underway workers``: the worker registry read straight from the database (no server needed).

``list`` shows every worker process (the same as the admin view and ``GET /admin/workers``);
``check`` is a health check for a worker container: it succeeds when a live worker of this host
is registered.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from underway.cli.exit_codes import ExitCode
from underway.settings import Settings

if TYPE_CHECKING:
    from underway.queue.registry import WorkerInfo

workers_app = typer.Typer(
    name="workers", help="The worker registry: list workers, check this host's.", no_args_is_help=True
)
console = Console()
err_console = Console(stderr=True)


@workers_app.command("list")
def list_workers(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Every registered worker: state, host, pid, running/capacity, workflows and capabilities."""
    from underway.cli.render import print_json

    infos = asyncio.run(_workers(Settings()))
    if as_json:
        print_json(console, [i.model_dump(mode="json") for i in infos])
        return
    table = Table("Worker", "State", "Host", "PID", "Role", "Running", "Capabilities", "Heartbeat")
    for w in infos:
        state = w.state + (" (draining)" if w.draining else "")
        table.add_row(
            w.id[:8],
            state,
            w.hostname,
            str(w.pid),
            w.role,
            f"{w.running}/{w.capacity}",
            ", ".join(w.capabilities) or "-",
            w.heartbeat_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
        )
    console.print(table)


@workers_app.command("check")
def check() -> None:
    """Exit 0 when a live worker on this host is registered (a container health check)."""
    from underway.queue.lease import HOSTNAME

    infos = asyncio.run(_workers(Settings()))
    mine = [w for w in infos if w.hostname == HOSTNAME and w.state == "alive"]
    if not mine:
        err_console.print(f"No live worker registered from {HOSTNAME}.", highlight=False)
        raise typer.Exit(ExitCode.UNREACHABLE)
    console.print(f"{len(mine)} live worker(s) on {HOSTNAME}.", highlight=False)


async def _workers(settings: Settings) -> list[WorkerInfo]:
    from underway.cli.database import migrated_engine
    from underway.queue.registry import WorkerDirectory
    from underway.store.workers_repo import WorkerRepository
    from underway.workflows.registry import default_registry

    async with migrated_engine(settings) as engine:
        directory = WorkerDirectory(
            WorkerRepository(engine),
            default_registry,
            heartbeat_s=settings.heartbeat_s,
            lease_s=settings.worker_lease_s,
        )
        return await directory.all()
