"""How operations read in a chat: one-line status, a progress block, the final summary and result."""

from __future__ import annotations

import json
from collections.abc import Iterable

from underway.operations.models import Operation, Progress
from underway.operations.status import OperationStatus

_BAR = 10
_ICONS = {
    OperationStatus.QUEUED: "⏳",
    OperationStatus.RUNNING: "▶️",
    OperationStatus.CANCELLING: "⏹",
    OperationStatus.COMPLETED: "✅",
    OperationStatus.FAILED: "❌",
    OperationStatus.CANCELLED: "⏹",
    OperationStatus.TIMED_OUT: "⌛",
}
_RESULT_MAX = 3500


def short_id(operation_id: str) -> str:
    return operation_id[:8]


def duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


def bar(percent: float) -> str:
    filled = max(0, min(_BAR, round(percent / 100 * _BAR)))
    return "▓" * filled + "░" * (_BAR - filled)


def headline(workflow: str, operation_id: str, status: OperationStatus) -> str:
    return f"{_ICONS[status]} {workflow} {short_id(operation_id)} · {status.value}"


def progress_block(
    workflow: str, operation_id: str, status: OperationStatus, progress: Progress, link: str | None
) -> str:
    """The text of a live progress message: stage, percent and ETA."""
    lines = [headline(workflow, operation_id, status), f"{bar(progress.percent)} {progress.percent:.0f}%"]
    if progress.stage is not None and progress.stage_index is not None:
        stage = f"Stage {progress.stage_index + 1}/{progress.total_stages}: {progress.stage}"
        lines.append(f"{stage} — {progress.message}" if progress.message else stage)
    elif progress.message:
        lines.append(progress.message)
    if progress.eta_s is not None and not status.is_terminal:
        lines.append(f"About {duration(progress.eta_s)} left")
    if link:
        lines.append(link)
    return "\n".join(lines)


def one_line(op: Operation) -> str:
    text = f"{headline(op.workflow, op.id, op.status)} · {op.progress.percent:.0f}%"
    if op.status is OperationStatus.QUEUED and op.queue_position:
        text += f" · #{op.queue_position} in the queue"
    if op.progress.stage and not op.status.is_terminal:
        text += f" · {op.progress.stage}"
    return text


def status_text(op: Operation, link: str | None) -> str:
    if op.status.is_terminal:
        return summary(op, link)
    return progress_block(op.workflow, op.id, op.status, op.progress, link)


def summary(op: Operation, link: str | None) -> str:
    """The final message of an operation: outcome, duration, result (or error), files."""
    lines = [headline(op.workflow, op.id, op.status)]
    if op.started_at and op.finished_at:
        lines[0] += f" in {duration((op.finished_at - op.started_at).total_seconds())}"
    if op.status is OperationStatus.COMPLETED and op.result is not None:
        lines.append("Result:\n" + _result_text(op.result))
    elif op.error:
        lines.append(op.error)
    elif op.progress.message and op.status is not OperationStatus.COMPLETED:
        lines.append(op.progress.message)
    if op.artifacts:
        lines.append("Files: " + ", ".join(a.name for a in op.artifacts))
    if link:
        lines.append(link)
    return "\n".join(lines)


def _result_text(result: object) -> str:
    text = (
        result if isinstance(result, str) else json.dumps(result, indent=2, ensure_ascii=False, default=str)
    )
    return (
        text
        if len(text) <= _RESULT_MAX
        else text[:_RESULT_MAX] + "\n… (shortened; the full result is in the web app)"
    )


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most ``limit`` characters, cut at line ends where possible (Telegram: 4,096)."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit)
        if cut <= 0:
            cut = limit
        pieces.append(rest[:cut])
        rest = rest[cut:].lstrip("\n")
    if rest or not pieces:
        pieces.append(rest)
    return pieces


def listing(ops: Iterable[Operation]) -> str:
    lines = [one_line(op) for op in ops]
    return "Your latest operations:\n" + "\n".join(lines) if lines else "You have no operations yet."
