"""The object every workflow receives: stages, progress, checkpoints, artifacts, logs."""

from __future__ import annotations

import asyncio
import functools
import mimetypes
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import ParamSpec, TypeVar

from underway.operations.models import Artifact, LogLevel
from underway.progress.emitter import ProgressEmitter
from underway.workflows.processes import process_pool

P = ParamSpec("P")
T = TypeVar("T")

_ARTIFACT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")

ArtifactRecorder = Callable[[Artifact], Awaitable[None]]


class OperationCancelled(Exception):
    """Raised by :meth:`WorkflowContext.checkpoint` once the operation must stop.

    Workflows may catch it to clean up, but must re-raise it."""


class WorkflowContext:
    """Handed to a workflow function as its first argument."""

    def __init__(
        self,
        operation_id: str,
        owner: str,
        emitter: ProgressEmitter,
        data_dir: Path,
        artifacts_dir: Path,
        record_artifact: ArtifactRecorder,
    ) -> None:
        self.operation_id = operation_id
        self.owner = owner
        #: The installation's data directory (``UNDERWAY_DATA_DIR``), for files shared between runs
        #: such as caches and uploads. A run's own output goes to :meth:`artifact_path`.
        self.data_dir = data_dir
        self._emitter = emitter
        self._artifacts_dir = artifacts_dir
        self._record_artifact = record_artifact
        self._stop = asyncio.Event()

    # -- stages and progress -------------------------------------------------------------------

    async def stage(self, name: str, message: str | None = None) -> None:
        """Enter the declared stage ``name``; the previous one counts as done. Also a checkpoint.

        Progress reported before the first call enters the first declared stage (announced with its
        stage event, like a call to this method)."""
        await self.checkpoint()
        self._emitter.stage(name, message)

    def progress(
        self,
        fraction: float | None = None,
        *,
        done: int | None = None,
        total: int | None = None,
        message: str | None = None,
    ) -> None:
        """Report progress inside the current stage, as a fraction (0..1) or ``done`` of ``total``.

        Cheap to call often and safe from a worker thread: reports are coalesced before storage."""
        if fraction is None:
            if done is None or not total:
                raise ValueError("pass a fraction, or done and a positive total")
            fraction = done / total
        self._emitter.progress(fraction, message)

    def log(self, message: str, level: LogLevel = "info") -> None:
        """Append a line to the operation's log (kept in its event log)."""
        self._emitter.log(message, level)

    # -- cancellation --------------------------------------------------------------------------

    @property
    def stop_requested(self) -> bool:
        """True once the operation is being cancelled or has timed out."""
        return self._stop.is_set()

    async def checkpoint(self) -> None:
        """A point where cancellation may take effect: raises :class:`OperationCancelled` if asked to stop.

        It also yields to the event loop, so a tight loop that checkpoints never starves others."""
        await asyncio.sleep(0)
        if self._stop.is_set():
            raise OperationCancelled

    async def wait_for_stop(self, timeout: float | None = None) -> bool:
        """Wait until the operation is asked to stop, or at most ``timeout`` seconds; True if it was.

        For a workflow that waits between polls of something external: unlike ``asyncio.sleep``, a
        cancel ends the wait at once."""
        try:
            await asyncio.wait_for(self._stop.wait(), timeout)
        except TimeoutError:
            return False
        return True

    def request_stop(self) -> None:
        """Called by the runner (cancel or timeout). Workflows do not call it."""
        self._stop.set()

    # -- off the event loop ----------------------------------------------------------------------

    async def run_sync(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run a blocking or CPU-heavy function in a worker thread so other operations keep going.

        A thread cannot be interrupted: such a step should call :meth:`progress` and check
        :attr:`stop_requested` itself. If it ignores both, the operation is still settled as cancelled
        after the grace period and its slot released; the thread finishes in the background."""
        return await asyncio.to_thread(fn, *args, **kwargs)

    async def run_in_process(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run a CPU-heavy, module-level (picklable) function in a worker process.

        Pure-Python CPU work in a thread competes with the event loop for the GIL and slows every
        other operation's progress; a process does not. The function cannot report progress, so
        split long work into chunks and call it once per chunk. On forced cancellation the result
        is abandoned and the process is reused once the call returns."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(process_pool(), functools.partial(fn, *args, **kwargs))

    # -- artifacts -------------------------------------------------------------------------------

    def artifact_path(self, name: str) -> Path:
        """The path where artifact ``name`` should be written (then call :meth:`add_artifact`)."""
        if not _ARTIFACT_NAME.match(name):
            raise ValueError(f"invalid artifact name {name!r}: use letters, digits, '.', '_' or '-'")
        self._artifacts_dir.mkdir(parents=True, exist_ok=True)
        return self._artifacts_dir / name

    async def add_artifact(self, name: str, media_type: str | None = None) -> Artifact:
        """Record a file written at :meth:`artifact_path` so it is listed on the operation."""
        path = self.artifact_path(name)
        if not path.is_file():
            raise FileNotFoundError(f"artifact {name!r} was not written to {path}")
        artifact = Artifact(
            name=name,
            size=path.stat().st_size,
            media_type=media_type or mimetypes.guess_type(name)[0] or "application/octet-stream",
            created_at=datetime.now(UTC),
        )
        await self._record_artifact(artifact)
        return artifact

    async def save_artifact(self, name: str, data: bytes | str, media_type: str | None = None) -> Artifact:
        """Write ``data`` as artifact ``name`` and record it."""
        payload = data.encode() if isinstance(data, str) else data
        await asyncio.to_thread(self.artifact_path(name).write_bytes, payload)
        return await self.add_artifact(name, media_type)
