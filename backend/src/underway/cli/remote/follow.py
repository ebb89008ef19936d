"""Following a remote operation live with the Rich progress bar (``underway run``, ``ops watch``).

The bar is fed by the SDK's WebSocket stream, which resumes by ``seq`` after a network drop.

Ctrl-C while following:

- ``run`` (``on_interrupt="ask"``): on a terminal, asks whether to cancel the operation or detach
  from it; when stdin is not a terminal (scripts, CI) the first Ctrl-C cancels. After cancelling it
  keeps following until the operation has stopped; a further Ctrl-C detaches at once.
- ``ops watch`` (``on_interrupt="detach"``): stops watching; the operation goes on.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from rich.console import Console
from rich.prompt import Prompt

from underway.cli.progress_view import ProgressView
from underway.client import Client
from underway.client.errors import Conflict
from underway.operations.models import EventType, Operation, OperationEvent

OnInterrupt = Literal["ask", "detach"]


@dataclass
class Followed:
    operation: Operation  # the latest state: final unless detached
    detached: bool = False  # the user stopped following before the end (Ctrl-C)


def follow(client: Client, op: Operation, console: Console, on_interrupt: OnInterrupt) -> Followed:
    last_seq = 0
    outcome = Followed(op)
    latest: Operation | None = None  # what a new bar starts from (after a cancel)
    while True:
        view = ProgressView(console, op.workflow)
        if latest is not None:  # before the bar is first drawn
            view.apply(_as_progress(latest))
        try:
            with view:
                for event in client.stream(op.id, after_seq=last_seq):
                    view.apply(event)
                    last_seq = event.seq
            break
        except KeyboardInterrupt:
            if latest is not None or on_interrupt == "detach" or not _choose_cancel(console):
                outcome.detached = True
                break
            console.print(
                "Cancelling… (press Ctrl-C again to stop waiting; the cancellation goes on)", highlight=False
            )
            try:
                latest = _cancel(client, op.id)
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


def _cancel(client: Client, operation_id: str) -> Operation:
    try:
        return client.cancel(operation_id)
    except Conflict:  # it finished meanwhile: nothing to cancel, the stream has its last events
        return client.get(operation_id)


def _as_progress(op: Operation) -> OperationEvent:
    """The operation's current state in the shape the bar reads, so a new bar starts where the
    operation stands rather than blank until its next event. A progress event: the bar prints no
    milestone line for it (the stream's events do)."""
    return OperationEvent(
        seq=max(1, op.last_seq),
        operation_id=op.id,
        type=EventType.PROGRESS,
        status=op.status,
        ts=datetime.now(UTC),
        **op.progress.model_dump(),
    )


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
