"""Coalescing of one operation's progress reports.

A workflow may report progress 100,000 times; persisting each would make progress the bottleneck.
Progress events leave at most once per ``interval_s``; stage changes and logs always leave at once,
and a trailing timer makes sure the latest progress is never held back for long. Only what leaves
gets a ``seq``, so the persisted log and the live stream are the same sequence.

Rules the event log can rely on:
* a stage change or a log line first sends the progress held back, so each stage's last report
  (with its message) is kept, and a log line is never reported ahead of the progress before it;
* progress reported before any ``ctx.stage()`` enters the first declared stage *with* a stage event:
  the log never shows progress in a stage that was not announced.

Worker threads (``ctx.run_sync``) do not touch the loop per report: their reports wait in an inbox,
where consecutive progress reports collapse into the latest, and at most one hop to the loop is
scheduled at a time. Logs and stage changes in the inbox keep their order.
"""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass

from underway.operations.models import EventType, LogLevel
from underway.operations.status import OperationStatus
from underway.progress.events import EventDraft, EventSink
from underway.progress.tracker import ProgressTracker

# The repository stamps the operation's real status (running or cancelling) when it numbers the event.
_PROVISIONAL_STATUS = OperationStatus.RUNNING


@dataclass(frozen=True, slots=True)
class _Report:
    fraction: float
    message: str | None


@dataclass(frozen=True, slots=True)
class _StageChange:
    name: str
    message: str | None


@dataclass(frozen=True, slots=True)
class _LogLine:
    message: str
    level: LogLevel


_Item = _Report | _StageChange | _LogLine


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
        self._sink = sink
        self._interval = interval_s
        self._loop = loop
        self._loop_thread = threading.get_ident()
        self._closed = False
        # Loop-side state: the report held back until the interval has passed.
        self._fraction: float | None = None
        self._message: str | None = None
        self._last_sent = 0.0
        self._timer: asyncio.TimerHandle | None = None
        # Reports from other threads, waiting for the one scheduled hop to the loop.
        self._lock = threading.Lock()
        self._inbox: list[_Item] = []
        self._hop_scheduled = False

    # -- called by the workflow (any thread) ------------------------------------------------------

    def progress(self, fraction: float, message: str | None) -> None:
        if threading.get_ident() != self._loop_thread:
            self._post(_Report(fraction, message))
            return
        if self._inbox:  # what threads reported before this call goes first
            self._drain()
        self._report(fraction, message)

    def stage(self, name: str, message: str | None) -> None:
        self.tracker.require_stage(name)  # raise in the caller, not later on the loop
        self._submit(_StageChange(name, message))

    def log(self, message: str, level: LogLevel) -> None:
        self._submit(_LogLine(message, level))

    # -- called by the runner ---------------------------------------------------------------------

    def flush(self) -> None:
        """Send everything reported so far, held-back progress included (before the end)."""
        self._drain()
        self._send_held()

    def close(self) -> None:
        """Stop accepting reports: late reports from abandoned threads must not follow the terminal event."""
        with self._lock:
            self._closed = True
            self._inbox.clear()
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._fraction = self._message = None

    # -- crossing from worker threads to the loop ---------------------------------------------------

    def _submit(self, item: _Item) -> None:
        if threading.get_ident() != self._loop_thread:
            self._post(item)
            return
        if self._inbox:
            self._drain()
        self._apply(item)

    def _post(self, item: _Item) -> None:
        with self._lock:
            if self._closed:
                return
            last = self._inbox[-1] if self._inbox else None
            if isinstance(item, _Report) and isinstance(last, _Report):
                # Only the latest report matters; it keeps the last message given, as on the loop.
                message = item.message if item.message is not None else last.message
                self._inbox[-1] = _Report(item.fraction, message)
            else:
                self._inbox.append(item)
            if self._hop_scheduled:
                return
            self._hop_scheduled = True
            try:
                self._loop.call_soon_threadsafe(self._drain)
            except RuntimeError:  # the loop is gone (shutdown): a thread outlived its operation
                self._closed = True

    def _drain(self) -> None:
        with self._lock:
            items, self._inbox = self._inbox, []
            self._hop_scheduled = False
        for item in items:
            self._apply(item)

    # -- on the loop --------------------------------------------------------------------------------

    def _apply(self, item: _Item) -> None:
        if isinstance(item, _Report):
            self._report(item.fraction, item.message)
        elif isinstance(item, _StageChange):
            self._enter_stage(item.name, item.message)
        else:
            self._log(item.message, item.level)

    def _report(self, fraction: float, message: str | None) -> None:
        if self._closed:
            return
        if self.tracker.stage is None:
            self._enter_stage(self.tracker.stage_names[0], None)
        # Only remember the report here; the tracker does its arithmetic when an event leaves.
        self._fraction = fraction
        if message is not None:
            self._message = message
        wait = self._interval - (time.monotonic() - self._last_sent)
        if wait <= 0:
            self._send(EventType.PROGRESS)
        elif self._timer is None:
            self._timer = self._loop.call_later(wait, self._on_timer)

    def _enter_stage(self, name: str, message: str | None) -> None:
        if self._closed:
            return
        self._send_held()
        self.tracker.enter_stage(name)
        self.tracker.message = message
        self._send(EventType.STAGE)

    def _log(self, message: str, level: LogLevel) -> None:
        if self._closed:
            return
        self._send_held()
        snap = self.tracker.snapshot().model_copy(update={"message": message})
        self._sink.emit(EventDraft(self.operation_id, EventType.LOG, _PROVISIONAL_STATUS, snap, level=level))

    def _on_timer(self) -> None:
        self._timer = None
        if not self._closed:
            self._send_held()

    def _send_held(self) -> None:
        if self._fraction is not None:
            self._send(EventType.PROGRESS)

    def _send(self, kind: EventType) -> None:
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
        self._sink.emit(EventDraft(self.operation_id, kind, _PROVISIONAL_STATUS, self.tracker.snapshot()))
