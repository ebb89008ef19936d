"""``underway worker``: a process that only runs operations (no HTTP), for scaling out.

It registers in the worker registry, claims what its workflows and capabilities allow, and on
SIGTERM (or Ctrl-C) drains: it stops claiming, lets running operations finish for up to
``UNDERWAY_SHUTDOWN_GRACE_S``, then settles the rest by the restart policy and leaves. A second
signal cuts the grace short.
"""

from __future__ import annotations

import asyncio
import signal
from typing import Annotated

import typer
from rich.console import Console

from underway.cli.exit_codes import ExitCode
from underway.settings import Settings

console = Console(stderr=True)


def worker(
    workers: Annotated[
        int | None, typer.Option(min=1, help="Operations run at once (default: UNDERWAY_WORKERS).")
    ] = None,
    capabilities: Annotated[
        str | None,
        typer.Option(
            help="Capability tags offered, comma-separated (default: UNDERWAY_WORKER_CAPABILITIES)."
        ),
    ] = None,
) -> None:
    """Run operations from the shared queue, without serving HTTP (scale out with more of these)."""
    overrides: dict[str, object] = {}
    if workers is not None:
        overrides["workers"] = workers
    if capabilities is not None:
        overrides["worker_capabilities"] = capabilities
    settings = Settings(**overrides)  # type: ignore[arg-type]
    if settings.workers == 0:
        console.print("[red]UNDERWAY_WORKERS is 0: a worker must run at least one operation at a time.[/]")
        raise typer.Exit(ExitCode.USAGE)
    asyncio.run(_run(settings))


async def _run(settings: Settings) -> None:
    from underway.runtime import Runtime

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    async with Runtime.open(settings, role="worker", shutdown_grace_s=settings.shutdown_grace_s) as rt:
        signals = 0

        def on_signal() -> None:
            nonlocal signals
            signals += 1
            if signals == 1:
                console.print(
                    f"Draining: no new operations; {rt.dispatcher.running} running may finish within "
                    f"{settings.shutdown_grace_s:g} s (signal again to stop them now).",
                    highlight=False,
                )
                stop.set()
            else:
                rt.dispatcher.cut_grace()

        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, on_signal)
        caps = ", ".join(settings.worker_capabilities) or "none"
        console.print(
            f"Worker {rt.dispatcher.worker_id} running up to {settings.workers} operations "
            f"(capabilities: {caps}).",
            highlight=False,
        )
        await stop.wait()
    console.print("Worker stopped.", highlight=False)
