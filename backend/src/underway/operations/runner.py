"""Runs one operation from ``running`` to exactly one terminal status.

Stopping is cooperative first: cancel and timeout set the context's stop flag, which the workflow
sees at its next checkpoint. A workflow that does not stop within ``cancel_grace_s`` has its task
cancelled by force. Whatever happens, the outcome is written once, through a compare-and-set.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from underway.operations.errors import UnderwayError, WorkflowFailure
from underway.operations.lifecycle import Lifecycle
from underway.operations.models import Artifact
from underway.operations.status import OperationStatus
from underway.progress.emitter import ProgressEmitter
from underway.progress.events import EventSink
from underway.progress.tracker import ProgressTracker
from underway.store.operations_repo import OperationRepository
from underway.store.records import OperationRecord
from underway.store.writer.settle import Settle
from underway.workflows.context import OperationCancelled, WorkflowContext
from underway.workflows.registry import WorkflowRegistry

log = logging.getLogger(__name__)

StopReason = Literal["cancel", "timeout"]
# After a forced cancel, how long to wait for the task to unwind before settling anyway.
_UNWIND_S = 5.0
_HISTORY_TTL_S = 60.0


@dataclass
class RunHandle:
    """The dispatcher's grip on one running operation."""

    operation_id: str
    owner: str
    stop_reason: StopReason | None = None
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    force: asyncio.Event = field(default_factory=asyncio.Event)
    ctx: WorkflowContext | None = None
    # Called when ``stop`` or ``force`` is set (the supervisor's wake-up).
    listeners: list[Callable[[], None]] = field(default_factory=list)

    def request_stop(self, reason: StopReason) -> None:
        if self.stop_reason is None:
            self.stop_reason = reason
        self.stop.set()
        if self.ctx is not None:
            self.ctx.request_stop()
        self._tell()

    def force_stop(self, reason: StopReason) -> None:
        """Skip the grace period (a second Ctrl-C)."""
        self.request_stop(reason)
        self.force.set()
        self._tell()

    def _tell(self) -> None:
        for listener in list(self.listeners):
            listener()


@dataclass(frozen=True)
class Outcome:
    status: OperationStatus
    message: str
    result: Any = None
    error: str | None = None


class OperationRunner:
    def __init__(
        self,
        registry: WorkflowRegistry,
        repo: OperationRepository,
        lifecycle: Lifecycle,
        sink: EventSink,
        data_dir: Path,
        artifacts_dir: Path,
        progress_interval_s: float,
        cancel_grace_s: float,
    ) -> None:
        self._registry = registry
        self._repo = repo
        self._lifecycle = lifecycle
        self._sink = sink
        self._data_dir = data_dir
        self._artifacts_dir = artifacts_dir
        self._interval = progress_interval_s
        self._grace = cancel_grace_s
        self._history: dict[str, tuple[float, dict[str, float]]] = {}

    async def _stage_history(self, workflow: str) -> dict[str, float]:
        """Per-stage mean durations for the ETA, refreshed at most every minute per workflow (and
        sooner when a run here measures a stage the cache lacks: see ``_learned``)."""
        now = time.monotonic()
        cached = self._history.get(workflow)
        if cached is None or now - cached[0] > _HISTORY_TTL_S:
            cached = (now, await self._repo.stage_history(workflow))
            self._history[workflow] = cached
        return cached[1]

    def _learned(self, workflow: str, durations: dict[str, float]) -> None:
        """A completed run measured ``durations``: if the cache knows none for one of those stages,
        drop it, so a first completed run informs the very next start rather than a minute later."""
        cached = self._history.get(workflow)
        if cached is not None and any(stage not in cached[1] for stage in durations):
            del self._history[workflow]

    async def run(self, row: OperationRecord, handle: RunHandle) -> OperationStatus | None:
        """Run and settle the operation; returns its terminal status (None if another writer settled it)."""
        emitter: ProgressEmitter | None = None
        tracker: ProgressTracker | None = None
        try:
            wf = self._registry.get(row.workflow)
            params = wf.validate_params(row.params)
            tracker = ProgressTracker(wf.stages, await self._stage_history(wf.name))
            emitter = ProgressEmitter(row.id, tracker, self._sink, self._interval, asyncio.get_running_loop())
            ctx = WorkflowContext(
                row.id,
                row.owner,
                emitter,
                self._data_dir,
                self._artifacts_dir / row.id,
                self._recorder(row.id),
            )
            handle.ctx = ctx
            if handle.stop_reason is not None:
                ctx.request_stop()
            work = asyncio.create_task(wf.fn(ctx, params), name=f"workflow:{row.workflow}:{row.id}")
            outcome = await self._supervise(work, handle, row.timeout_s)
        except UnderwayError as exc:  # unknown workflow or params no longer valid (code changed)
            outcome = Outcome(OperationStatus.FAILED, str(exc), error=str(exc))
        if emitter is not None:
            emitter.flush()
            emitter.close()
        return await self._settle(row, outcome, tracker)

    def _recorder(self, operation_id: str) -> Any:
        async def record(artifact: Artifact) -> None:
            await self._lifecycle.record_artifact(operation_id, artifact.model_dump(mode="json"))

        return record

    async def _supervise(self, work: asyncio.Task[Any], handle: RunHandle, timeout_s: float) -> Outcome:
        try:
            if not await _done_unless(work, handle, handle.stop, timeout_s):
                if not handle.stop.is_set():
                    handle.request_stop("timeout")
                if not await _done_unless(work, handle, handle.force, self._grace):
                    work.cancel()
                    await asyncio.wait({work}, timeout=_UNWIND_S)
                    return self._stopped(handle, timeout_s, forced=True)
        except asyncio.CancelledError:
            # The runtime is shutting down: stop the workflow and let the dispatcher apply the restart policy.
            work.cancel()
            await asyncio.wait({work}, timeout=_UNWIND_S)
            raise
        return self._outcome_of(work, handle, timeout_s)

    def _outcome_of(self, work: asyncio.Task[Any], handle: RunHandle, timeout_s: float) -> Outcome:
        if work.cancelled():
            return self._stopped(handle, timeout_s, forced=False)
        exc = work.exception()
        if exc is None:
            result = work.result()
            try:
                json.dumps(result)
            except (TypeError, ValueError) as err:
                msg = f"The workflow returned a result that is not JSON-serialisable: {err}"
                return Outcome(OperationStatus.FAILED, msg, error=msg)
            # A result wins a race with cancel or timeout: the work is done and worth keeping.
            return Outcome(OperationStatus.COMPLETED, "Completed", result=result)
        if isinstance(exc, OperationCancelled | asyncio.CancelledError) and handle.stop_reason is not None:
            return self._stopped(handle, timeout_s, forced=False)
        if isinstance(exc, WorkflowFailure):
            return Outcome(OperationStatus.FAILED, str(exc), error=str(exc))
        log.error("operation %s failed", handle.operation_id, exc_info=exc)
        msg = f"{type(exc).__name__}: {exc}"
        return Outcome(OperationStatus.FAILED, msg, error=msg)

    def _stopped(self, handle: RunHandle, timeout_s: float, *, forced: bool) -> Outcome:
        how = " (stopped by force after the grace period)" if forced else ""
        if handle.stop_reason == "timeout":
            msg = f"Timed out after {timeout_s:g} s{how}"
            return Outcome(OperationStatus.TIMED_OUT, msg, error=msg)
        return Outcome(OperationStatus.CANCELLED, f"Cancelled{how}")

    async def _settle(
        self, row: OperationRecord, outcome: Outcome, tracker: ProgressTracker | None
    ) -> OperationStatus | None:
        durations = None
        if outcome.status is OperationStatus.COMPLETED and tracker is not None:
            tracker.finish_stage()
            durations = tracker.stage_durations
        assert row.worker_id is not None  # a claimed operation records its worker
        # Guarded by this worker's hold: if it was presumed dead and the operation settled (or even
        # claimed again) elsewhere, this late outcome must not overwrite that.
        settled = await self._lifecycle.settle(
            Settle(
                row.id,
                row.worker_id,
                outcome.status,
                outcome.message,
                datetime.now(UTC),
                error=outcome.error,
                result=outcome.result,
                stage_durations=durations,
            )
        )
        if settled is not None and tracker is not None and outcome.status is OperationStatus.COMPLETED:
            self._learned(row.workflow, tracker.stage_durations)
        return outcome.status if settled is not None else None


async def _done_unless(
    work: asyncio.Task[Any], handle: RunHandle, event: asyncio.Event, timeout_s: float
) -> bool:
    """Wait until ``work`` is done (True), or ``event`` is set or ``timeout_s`` has passed (False).

    One future and one timer, woken by callbacks: this runs for every operation, and a helper task
    per event plus ``asyncio.wait`` cost the event loop more than many a workflow."""
    if not (work.done() or event.is_set()):
        loop = asyncio.get_running_loop()
        woken: asyncio.Future[None] = loop.create_future()

        def wake(*_: object) -> None:
            if not woken.done():
                woken.set_result(None)

        def on_handle() -> None:
            if event.is_set():  # a stop request repeated (through the feed too) is not a force
                wake()

        work.add_done_callback(wake)
        handle.listeners.append(on_handle)
        timer = loop.call_later(timeout_s, wake)
        try:
            await woken
        finally:
            timer.cancel()
            work.remove_done_callback(wake)
            handle.listeners.remove(on_handle)
    return work.done()
