"""A Rich progress bar fed by an operation's events (used by local and remote ``run`` and ``ops watch``)."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)

from underway.operations.models import EventType, OperationEvent


def _eta(seconds: float | None) -> str:
    if seconds is None:
        return "ETA -:--:--"
    s = round(seconds)
    return f"ETA {s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


class ProgressView:
    """Overall percent, current stage (x/y), message, elapsed time and the ETA the server computed."""

    def __init__(self, console: Console, title: str) -> None:
        self._console = console
        self._progress = Progress(
            TextColumn("[bold]{task.fields[stage]}"),
            BarColumn(),
            TaskProgressColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[eta]}"),
            TextColumn("{task.fields[message]}"),
            console=console,
            transient=False,
        )
        self._task: TaskID = self._progress.add_task(title, total=100, stage="queued", eta="", message="")

    def __enter__(self) -> ProgressView:
        self._progress.start()
        return self

    def __exit__(self, *exc: object | type[BaseException] | TracebackType | None) -> None:
        self._progress.stop()

    def note(self, text: str) -> None:
        self._progress.console.print(text)

    def apply(self, event: OperationEvent) -> None:
        if not self._console.is_terminal and event.type in {EventType.STATUS, EventType.STAGE}:
            # No live bar when output is a pipe or a log file: print the milestones instead.
            where = (
                f" {event.stage} {event.stage_index + 1}/{event.total_stages}"
                if event.stage_index is not None
                else ""
            )
            self._console.print(
                f"{event.status.value}{where} {event.percent:.0f}% {event.message or ''}".rstrip()
            )
        if event.type is EventType.LOG:
            self._progress.console.print(
                f"[dim]{event.ts:%H:%M:%S}[/] {event.level or 'info'}: {event.message}"
            )
            return
        stage = event.status.value
        if event.stage is not None and event.stage_index is not None:
            stage = f"{event.stage} {event.stage_index + 1}/{event.total_stages}"
        if event.status.value in {"queued", "cancelling"} or event.status.is_terminal:
            stage = f"{event.status.value} · {stage}" if event.stage else event.status.value
        self._progress.update(
            self._task,
            completed=event.percent,
            stage=stage,
            eta=_eta(event.eta_s) if not event.status.is_terminal else "",
            message=event.message or "",
        )
