"""A Rich progress bar fed by an operation's events (used by local and remote ``run`` and ``ops watch``)."""

from __future__ import annotations

from datetime import datetime
from types import TracebackType

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    Progress,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)

from underway.operations.models import EventType, OperationEvent
from underway.operations.status import OperationStatus


def _clock(seconds: float) -> str:
    s = max(0, round(seconds))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def _eta(seconds: float | None) -> str:
    return "ETA -:--:--" if seconds is None else f"ETA {_clock(seconds)}"


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
            TextColumn("{task.fields[message]}", markup=False),  # workflow text, not markup
            console=console,
            transient=False,
        )
        self._task: TaskID = self._progress.add_task(title, total=100, stage="queued", eta="", message="")
        self._started_at: datetime | None = None  # when the operation started running, by its events

    def __enter__(self) -> ProgressView:
        self._progress.start()
        return self

    def __exit__(self, *exc: object | type[BaseException] | TracebackType | None) -> None:
        self._progress.stop()

    def note(self, text: str) -> None:
        self._progress.console.print(text)

    def apply(self, event: OperationEvent) -> None:
        if self._started_at is None and event.status is OperationStatus.RUNNING:
            self._started_at = event.ts
        if not self._console.is_terminal and event.type in {EventType.STATUS, EventType.STAGE}:
            # No live bar when output is a pipe or a log file: print the milestones instead.
            self._console.print(self._milestone(event), markup=False, highlight=False)
        if event.type is EventType.LOG:
            self._progress.console.print(
                f"[dim]{event.ts:%H:%M:%S}[/] {event.level or 'info'}: {escape(event.message or '')}"
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

    def _milestone(self, event: OperationEvent) -> str:
        """One line: status and stage (x/y), percent, time running (by the server's clock), ETA, message."""
        where = (
            f" {event.stage} {event.stage_index + 1}/{event.total_stages}"
            if event.stage_index is not None
            else ""
        )
        parts = [f"{event.status.value}{where} {event.percent:.0f}%"]
        if self._started_at is not None:
            parts.append(f"{_clock((event.ts - self._started_at).total_seconds())} elapsed")
        if event.status is OperationStatus.RUNNING:
            parts.append(_eta(event.eta_s))
        if event.message:
            parts.append(event.message)
        return " · ".join(parts)
