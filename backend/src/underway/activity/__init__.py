"""Activity over time, for charts: throughput by status, durations and success per workflow, and
queue depth. Every figure is aggregated in SQL (GROUP BY an hour bucket or a workflow, percentiles
by window functions), so a chart costs a few bounded queries, never a scan into Python."""

from underway.activity.models import (
    DurationBin,
    QueueHistory,
    QueueSample,
    Throughput,
    ThroughputBucket,
    Window,
    WorkflowActivity,
    WorkflowsActivity,
)
from underway.activity.queries import ActivityQueries

__all__ = [
    "ActivityQueries",
    "DurationBin",
    "QueueHistory",
    "QueueSample",
    "Throughput",
    "ThroughputBucket",
    "Window",
    "WorkflowActivity",
    "WorkflowsActivity",
]
