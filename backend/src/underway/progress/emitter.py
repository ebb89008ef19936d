"""Coalescing of one operation's progress reports.

A workflow may report progress 100,000 times; persisting each would make progress the bottleneck.
Progress events leave at most once per ``interval_s``; stage changes, logs and status changes always
leave at once, and a trailing timer makes sure the latest progress is never held back for long.
Only what leaves gets a ``seq``, so the persisted log and the live stream are the same sequence.
"""

from __future__ import annotations

import asyncio
import threading
import time

from underway.operations.models import EventType, LogLevel
from underway.operations.status import OperationStatus
from underway.progress.events import EventDraft, EventSink
from underway.progress.tracker import ProgressTracker


class ProgressEmitter:
    def __init__(
        self,
        operation_id: str,
        tracker: ProgressTracker,
        sink: EventSink,
        interval_s: float,
        loop: asyncio.AbstractEventLoop,
    ) -> None:
        self.operation_id = operation_id
        self.tracker = tracker
        self.status = OperationStatus.RUNNING
        self._sink = sink
        self._interval = interval_s
        self._loop = loop
        self._loop_thread = threading.get_ident()
        self._last_sent = 0.0
        self._pending = False
        self._timer: asyncio.TimerHandle | None = None
        self._closed = False
        self._fraction: float | None = None
        self._message: str | None = None

    # -- called by the workflow (possibly from a worker thread) -------------------------------

    def progress(self, fraction: float, message: str | None) -> None:
        if threading.get_ident() != self._loop_thread:
            self._loop.call_soon_threadsafe(self.progress, fraction, message)
            return
        if self._closed:
            return
        # Only remember the report here; the tracker does its arithmetic when an event leaves.
        self._fraction = fraction
        if message is not None:
            self._message = message
        now = time.monotonic()
        if now - self._last_sent >= self._interval:
            self._send(EventType.PROGRESS)
        elif not self._pending:
            self._pending = True
            self._timer = self._loop.call_at(
                self._loop.time() + self._interval - (now - self._last_sent), self._flush_pending
            )

    def stage(self, name: str, message: str | None) -> None:
        if threading.get_ident() != self._loop_thread:
            self._loop.call_soon_threadsafe(self.stage, name, message)
            return
        if self._closed:
            return
        self._fraction = self._message = None  # reports of the previous stage are superseded
        self.tracker.enter_stage(name)
        self.tracker.message = message
        self._send(
            EventType.STAGE
        )  # the stage event carries the latest percent: pending progress is folded in

    def log(self, message: str, level: LogLevel) -> None:
        if threading.get_ident() != self._loop_thread:
            self._loop.call_soon_threadsafe(self.log, message, level)
            return
        if self._closed:
            return
        self.flush()
        snap = self.tracker.snapshot().model_copy(update={"message": message})
        self._sink.emit(EventDraft(self.operation_id, EventType.LOG, self.status, snap, level=level))

    # -- called by the runner ----------------------------------------------------------------

    def flush(self) -> None:
        """Send held-back progress now (before a log, a status change or the end)."""
        if self._pending:
            self._send(EventType.PROGRESS)

    def close(self) -> None:
        """Stop accepting reports: late reports from abandoned threads must not follow the terminal event."""
        self._closed = True
        if self._timer is not None:
            self._timer.cancel()
        self._pending = False

    def _flush_pending(self) -> None:
        self._timer = None
        if self._pending and not self._closed:
            self._send(EventType.PROGRESS)

    def _send(self, kind: EventType) -> None:
        self._pending = False
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._last_sent = time.monotonic()
        if self._fraction is not None:
            self.tracker.update(self._fraction)
            self._fraction = None
        if self._message is not None:
            self.tracker.message = self._message
            self._message = None
        self._sink.emit(EventDraft(self.operation_id, kind, self.status, self.tracker.snapshot()))
