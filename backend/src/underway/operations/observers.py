"""Hooks for things that watch the lifecycle without taking part in it (metrics, audit logs)."""

from __future__ import annotations

from typing import Protocol

from underway.operations.models import Operation
from underway.operations.status import OperationStatus


class OperationObserver(Protocol):
    def submitted(self, operation: Operation) -> None: ...

    def started(self, operation: Operation, dispatch_latency_s: float) -> None: ...

    def finished(self, operation: Operation, status: OperationStatus, run_seconds: float | None) -> None: ...
