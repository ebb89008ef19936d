"""What the activity charts are drawn from."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import Field

from underway.views import View


class Window(StrEnum):
    """How far back a chart looks."""

    DAY = "24h"
    WEEK = "7d"

    @property
    def span(self) -> timedelta:
        return timedelta(days=1) if self is Window.DAY else timedelta(days=7)


class ThroughputBucket(View):
    start: datetime = Field(description="Start of the hour (UTC).")
    completed: int
    failed: int
    cancelled: int
    timed_out: int


class Throughput(View):
    """Operations that finished, per hour and terminal status. Every hour of the window is listed,
    oldest first, the last one being the current (partial) hour."""

    window: Window
    bucket_s: int
    buckets: list[ThroughputBucket]


class DurationBin(View):
    le_s: float | None = Field(description="Upper bound of the bin (s), inclusive; null: above the last.")
    count: int


class WorkflowActivity(View):
    workflow: str
    finished: int = Field(description="Reached a terminal status in the window.")
    completed: int
    failed: int
    cancelled: int
    timed_out: int
    success_rate: float | None = Field(
        description="completed / (completed + failed + timed_out), 0..1; cancellations are the "
        "user's decision and do not count. Null when none of those finished."
    )
    p50_s: float | None = Field(description="Median run time of completed runs (nearest rank).")
    p95_s: float | None = Field(description="95th percentile run time of completed runs (nearest rank).")
    max_s: float | None
    durations: list[DurationBin] = Field(
        description="Run times of completed runs in fixed bins (1 s, 2 s, 5 s, ... 1 h, above)."
    )


class WorkflowsActivity(View):
    window: Window
    workflows: list[WorkflowActivity] = Field(description="Workflows that finished something, by name.")


class QueueSample(View):
    at: datetime = Field(description="End of the interval (UTC); the last sample is now.")
    queued: int
    running: int = Field(description="Running or cancelling.")


class QueueHistory(View):
    """Queued and running operations over time, every ``bucket_s`` seconds, oldest first."""

    window: Window
    bucket_s: int
    samples: list[QueueSample]
