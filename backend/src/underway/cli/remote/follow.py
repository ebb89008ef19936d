"""Following a remote operation live with the Rich progress bar (``underway run``, ``ops watch``).

The bar is fed by the SDK's WebSocket stream, which resumes by ``seq`` after a network drop.

Ctrl-C while following:

- ``run`` (``on_interrupt="ask"``): on a terminal, asks whether to cancel the operation or detach
  from it; when stdin is not a terminal (scripts, CI) the first Ctrl-C cancels. After cancelling it
  keeps following until the operation has stopped; a further Ctrl-C detaches at once.
- ``ops watch`` (``on_interrupt="detach"``): stops watching; the operation goes on.

Either way the command exits with 130.
"""

from __future__ import annotations

import contextlib
import sys
from dataclasses import dataclass
from typing import Literal

from rich.console import Console
from rich.prompt import Prompt

from underway.cli.progress_view import ProgressView
from underway.client import Client
from underway.client.errors import Conflict
from underway.operations.models import Operation

OnInterrupt = Literal["ask", "detach"]


@dataclass
class Followed:
    operation: Operation  # the latest state: final unless detached
    interrupted: bool = False
    detached: bool = False


def follow(client: Client, op: Operation, console: Console, on_interrupt: OnInterrupt) -> Followed:
    last_seq = 0
    outcome = Followed(op)
    cancelling = False
    while True:
        view = ProgressView(console, op.workflow)
        try:
            with view:
                for event in client.stream(op.id, after_seq=last_seq):
                    view.apply(event)
                    last_seq = event.seq
            break
        except KeyboardInterrupt:
            outcome.interrupted = True
            if cancelling or on_interrupt == "detach" or not _choose_cancel(console):
                outcome.detached = True
                break
            cancelling = True
            console.print(
                "Cancelling… (press Ctrl-C again to stop waiting; the cancellation goes on)", highlight=False
            )
            try:
                with contextlib.suppress(Conflict):  # it finished meanwhile: nothing to cancel
                    client.cancel(op.id)
            except KeyboardInterrupt:
                outcome.detached = True
                break
    outcome.operation = client.get(op.id)
    if outcome.detached and not outcome.operation.status.is_terminal:
        console.print(
            f"Detached: operation {op.id} goes on "
            f"({outcome.operation.status.value}). Follow it with `underway ops watch {op.id}`.",
            highlight=False,
        )
    return outcome


def _choose_cancel(console: Console) -> bool:
    """Cancel, unless a person at a terminal chooses to detach."""
    if not sys.stdin.isatty():
        return True
    try:
        answer = Prompt.ask(
            "Cancel the operation, or detach and let it run?",
            choices=["cancel", "detach"],
            default="cancel",
            console=console,
        )
    except (KeyboardInterrupt, EOFError):
        return False  # Ctrl-C at the question: leave at once, without cancelling
    return answer == "cancel"
