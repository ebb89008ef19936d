"""Prometheus metrics of one app: its own registry, so several apps (tests) never collide.

The HTTP metrics are fed by :class:`underway.api.middleware.metrics.HttpMetricsMiddleware`; the
operation metrics by :class:`MetricsObserver`, registered with the runtime's lifecycle; queue
depth, running count and active operations by status and workflow are read from the service at
scrape time; WebSocket streams use
:meth:`Metrics.websocket_connection`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

from underway.operations.models import Operation, Priority
from underway.operations.status import ACTIVE_STATUSES, OperationStatus

if TYPE_CHECKING:
    # Type only: importing the service module first trips an import cycle in the core.
    from underway.operations.service import OperationService

log = logging.getLogger(__name__)

_HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
_DISPATCH_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600)
_RUN_BUCKETS = (1, 5, 15, 30, 60, 300, 900, 1800, 3600, 7200, 21600, 86400)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.http_requests = Counter(
            "underway_http_requests",
            "HTTP requests by method, route template and status.",
            ["method", "route", "status"],
            registry=r,
        )
        self.http_request_duration = Histogram(
            "underway_http_request_duration_seconds",
            "Time to answer HTTP requests.",
            ["method", "route"],
            buckets=_HTTP_BUCKETS,
            registry=r,
        )
        self.rate_limit_rejections = Counter(
            "underway_rate_limit_rejections",
            "Requests refused with 429 by a rate-limit policy.",
            ["policy"],
            registry=r,
        )
        self.websocket_connections = Gauge(
            "underway_websocket_connections",
            "Open WebSocket connections by stream.",
            ["stream"],
            registry=r,
        )
        self.operations_total = Counter(
            "underway_operations",
            "Operations by workflow and lifecycle step: 'submitted', then one terminal status.",
            ["workflow", "status"],
            registry=r,
        )
        self.queue_depth = Gauge(
            "underway_queue_depth", "Queued operations by priority.", ["priority"], registry=r
        )
        self.operations_running = Gauge(
            "underway_operations_running", "Operations running or cancelling.", registry=r
        )
        self.operations_active = Gauge(
            "underway_operations_active",
            "Operations queued, running or cancelling now, by status and workflow.",
            ["status", "workflow"],
            registry=r,
        )
        self.dispatch_latency_seconds = Histogram(
            "underway_dispatch_latency_seconds",
            "Time from enqueue to start.",
            buckets=_DISPATCH_BUCKETS,
            registry=r,
        )
        self.operation_duration_seconds = Histogram(
            "underway_operation_duration_seconds",
            "Run time of finished operations.",
            ["workflow", "status"],
            buckets=_RUN_BUCKETS,
            registry=r,
        )

    @contextmanager
    def websocket_connection(self, stream: str) -> Iterator[None]:
        """Count one open WebSocket for the duration of the block: ``with metrics.websocket_connection("operation"):``."""
        gauge = self.websocket_connections.labels(stream)
        gauge.inc()
        try:
            yield
        finally:
            gauge.dec()

    def observer(self) -> MetricsObserver:
        return MetricsObserver(self)

    async def refresh_from_store(self, service: OperationService, timeout_s: float = 2.0) -> None:
        """Set the gauges that count what is in the store (scrapes are rare; a query each is cheap)."""
        try:
            snapshot, active = await asyncio.wait_for(
                asyncio.gather(service.queue_snapshot(), service.active_by_workflow()), timeout_s
            )
        except Exception:
            log.warning("queue metrics not refreshed", exc_info=True)
            return
        for priority in Priority:
            self.queue_depth.labels(priority.value).set(snapshot.depth_by_priority.get(priority, 0))
        self.operations_running.set(snapshot.running)
        # Every workflow gets every active status, 0 included: a series that vanished when the last
        # operation finished would read as "no data" rather than "none".
        workflows = {w.name for w in service.workflows()} | {workflow for _, workflow in active}
        self.operations_active.clear()
        for workflow in sorted(workflows):
            for status in ACTIVE_STATUSES:
                self.operations_active.labels(status.value, workflow).set(active.get((status, workflow), 0))

    def render(self) -> tuple[bytes, str]:
        return generate_latest(self.registry), CONTENT_TYPE_LATEST


class MetricsObserver:
    """Feeds operation metrics from lifecycle events (an ``OperationObserver``)."""

    def __init__(self, metrics: Metrics) -> None:
        self._m = metrics

    def submitted(self, operation: Operation) -> None:
        self._m.operations_total.labels(operation.workflow, "submitted").inc()

    def started(self, operation: Operation, dispatch_latency_s: float) -> None:
        self._m.dispatch_latency_seconds.observe(max(0.0, dispatch_latency_s))

    def finished(self, operation: Operation, status: OperationStatus, run_seconds: float | None) -> None:
        self._m.operations_total.labels(operation.workflow, status.value).inc()
        if run_seconds is not None:
            self._m.operation_duration_seconds.labels(operation.workflow, status.value).observe(run_seconds)
