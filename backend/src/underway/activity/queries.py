"""The activity queries: each a GROUP BY over an indexed range of finished (or created) operations.

Percentiles are nearest-rank, computed in SQL with window functions (``ROW_NUMBER`` over each
workflow's ordered run times, picking rank ceil(p * n)), which SQLite and PostgreSQL both have;
PostgreSQL's ``percentile_cont`` would interpolate, SQLite has nothing like it.

Queue depth over time is derived from the operations' own timestamps, not sampled: an operation
is queued from ``created_at`` until it starts (or, cancelled while queued, finishes), and running
from ``started_at`` until ``finished_at``. The queries sum those +1/-1 steps per interval in SQL,
and the depth at the end of each interval is the current depth minus every step after it. An
operation re-queued by a crash counts as queued from its creation to its last start.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, case, func, literal, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql.elements import ColumnElement

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
from underway.activity.sql import bucket_of, seconds_between
from underway.operations.status import ACTIVE_STATUSES, RUNNING_LIKE, OperationStatus
from underway.store.tables import OperationRow

_OPS: Table = OperationRow.__table__  # type: ignore[attr-defined]
_C = _OPS.c
HOUR_S = 3600
# Queue depth moves faster than throughput: finer intervals over a day.
QUEUE_BUCKET_S = {Window.DAY: 600, Window.WEEK: HOUR_S}
# Upper bounds (s) of the run-time bins: a 1-2-5 progression from a second to an hour, then above.
DURATION_BINS_S: tuple[float, ...] = (1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)
_TERMINAL = (
    OperationStatus.COMPLETED,
    OperationStatus.FAILED,
    OperationStatus.CANCELLED,
    OperationStatus.TIMED_OUT,
)
_COMPLETED = OperationStatus.COMPLETED.value


def _intervals(window: Window, bucket_s: int, now: datetime) -> tuple[int, int]:
    """(first, last) bucket index: the window's intervals, the last one holding ``now``."""
    last = int(now.timestamp()) // bucket_s
    return last - int(window.span.total_seconds()) // bucket_s + 1, last


def _start(bucket: int, bucket_s: int) -> datetime:
    return datetime.fromtimestamp(bucket * bucket_s, UTC)


def _percentile_rank(n: ColumnElement[int], percent: int) -> ColumnElement[int]:
    """ceil(n * percent / 100) in integer arithmetic (portable: no CEIL needed)."""
    return (n * percent + 99) // 100


class ActivityQueries:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._dialect = engine.dialect.name

    def _scoped(self, owner: str | None) -> list[ColumnElement[bool]]:
        return [] if owner is None else [_C.owner == owner]

    async def _rows(self, stmt: Any) -> Sequence[Any]:
        async with self._engine.connect() as conn:
            return (await conn.execute(stmt)).all()

    async def throughput(
        self, window: Window, *, owner: str | None, now: datetime | None = None
    ) -> Throughput:
        first, last = _intervals(window, HOUR_S, now or datetime.now(UTC))
        bucket = bucket_of(self._dialect, _C.finished_at, HOUR_S).label("bucket")
        stmt = (
            select(bucket, _C.status, func.count())
            .where(_C.finished_at >= _start(first, HOUR_S), *self._scoped(owner))
            .group_by(bucket, _C.status)
        )
        counts: dict[int, dict[str, int]] = {}
        for b, status, n in await self._rows(stmt):
            counts.setdefault(int(b), {})[status] = int(n)
        return Throughput(
            window=window,
            bucket_s=HOUR_S,
            buckets=[
                ThroughputBucket(
                    start=_start(b, HOUR_S),
                    **{s.value: counts.get(b, {}).get(s.value, 0) for s in _TERMINAL},
                )
                for b in range(first, last + 1)
            ],
        )

    async def workflows(
        self, window: Window, *, owner: str | None, now: datetime | None = None
    ) -> WorkflowsActivity:
        since = (now or datetime.now(UTC)) - window.span
        finished = [_C.finished_at >= since, *self._scoped(owner)]
        by_status = (
            select(_C.workflow, _C.status, func.count()).where(*finished).group_by(_C.workflow, _C.status)
        )

        # Run times of the completed runs, ranked per workflow.
        seconds = seconds_between(self._dialect, _C.started_at, _C.finished_at)
        runs = (
            select(
                _C.workflow.label("workflow"),
                seconds.label("s"),
                func.row_number().over(partition_by=_C.workflow, order_by=seconds).label("rank"),
                func.count().over(partition_by=_C.workflow).label("n"),
            )
            .where(*finished, _C.status == _COMPLETED, _C.started_at.is_not(None))
            .subquery()
        )
        percentiles = select(
            runs.c.workflow,
            func.max(case((runs.c.rank == _percentile_rank(runs.c.n, 50), runs.c.s))),
            func.max(case((runs.c.rank == _percentile_rank(runs.c.n, 95), runs.c.s))),
            func.max(runs.c.s),
        ).group_by(runs.c.workflow)
        bin_of = case(
            *[(runs.c.s <= bound, literal(i)) for i, bound in enumerate(DURATION_BINS_S)],
            else_=literal(len(DURATION_BINS_S)),
        ).label("bin")
        histogram = select(runs.c.workflow, bin_of, func.count()).group_by(runs.c.workflow, bin_of)

        async with self._engine.connect() as conn:
            status_rows = (await conn.execute(by_status)).all()
            percentile_rows = (await conn.execute(percentiles)).all()
            histogram_rows = (await conn.execute(histogram)).all()

        statuses: dict[str, dict[str, int]] = {}
        for workflow, status, n in status_rows:
            statuses.setdefault(workflow, {})[status] = int(n)
        spread = {w: (p50, p95, top) for w, p50, p95, top in percentile_rows}
        bins: dict[str, list[int]] = {}
        for workflow, index, n in histogram_rows:
            bins.setdefault(workflow, [0] * (len(DURATION_BINS_S) + 1))[int(index)] = int(n)
        return WorkflowsActivity(
            window=window,
            workflows=[
                _workflow_activity(workflow, statuses[workflow], spread.get(workflow), bins.get(workflow))
                for workflow in sorted(statuses)
            ],
        )

    async def queue_history(self, window: Window, *, now: datetime | None = None) -> QueueHistory:
        now = now or datetime.now(UTC)
        bucket_s = QUEUE_BUCKET_S[window]
        first, last = _intervals(window, bucket_s, now)
        since = _start(first, bucket_s)
        active = [s.value for s in ACTIVE_STATUSES]
        # Every operation with a step inside the window was created, finished or is still active
        # there: three indexed conditions instead of a scan of the whole history.
        scope = (
            select(_C.created_at, _C.started_at, _C.finished_at)
            .where(or_(_C.created_at >= since, _C.finished_at >= since, _C.status.in_(active)))
            .cte("scope")
        )
        left_queue = func.coalesce(scope.c.started_at, scope.c.finished_at)

        def steps(ts: ColumnElement[Any], queued: int, running: int, *extra: ColumnElement[bool]) -> Any:
            return select(
                bucket_of(self._dialect, ts, bucket_s).label("bucket"),
                literal(queued).label("dq"),
                literal(running).label("dr"),
            ).where(ts >= since, *extra)

        deltas = union_all(
            steps(scope.c.created_at, 1, 0),
            steps(left_queue, -1, 0),
            steps(scope.c.started_at, 0, 1),
            steps(scope.c.finished_at, 0, -1, scope.c.started_at.is_not(None)),
        ).subquery()
        per_bucket = select(deltas.c.bucket, func.sum(deltas.c.dq), func.sum(deltas.c.dr)).group_by(
            deltas.c.bucket
        )
        running_like = [s.value for s in RUNNING_LIKE]
        current = select(
            func.count().filter(_C.status == OperationStatus.QUEUED.value),
            func.count().filter(_C.status.in_(running_like)),
        ).where(_C.status.in_(active))
        async with self._engine.connect() as conn:
            step_rows = (await conn.execute(per_bucket)).all()
            queued_now, running_now = (await conn.execute(current)).one()

        steps_at = {int(b): (int(dq or 0), int(dr or 0)) for b, dq, dr in step_rows}
        samples: list[QueueSample] = []
        queued, running = int(queued_now), int(running_now)
        # Walk back from now: the depth at the end of interval b-1 is the depth at the end of b
        # minus b's own steps.
        for b in range(last, first - 1, -1):
            at = now if b == last else _start(b + 1, bucket_s)
            samples.append(QueueSample(at=at, queued=max(queued, 0), running=max(running, 0)))
            dq, dr = steps_at.get(b, (0, 0))
            queued, running = queued - dq, running - dr
        samples.reverse()
        return QueueHistory(window=window, bucket_s=bucket_s, samples=samples)


def _workflow_activity(
    workflow: str,
    statuses: dict[str, int],
    spread: tuple[float | None, float | None, float | None] | None,
    bins: list[int] | None,
) -> WorkflowActivity:
    counts = {s.value: statuses.get(s.value, 0) for s in _TERMINAL}
    decided = counts["completed"] + counts["failed"] + counts["timed_out"]
    p50, p95, top = spread or (None, None, None)
    histogram = bins or [0] * (len(DURATION_BINS_S) + 1)
    return WorkflowActivity(
        workflow=workflow,
        finished=sum(counts.values()),
        **counts,
        success_rate=round(counts["completed"] / decided, 4) if decided else None,
        p50_s=_rounded(p50),
        p95_s=_rounded(p95),
        max_s=_rounded(top),
        durations=[
            DurationBin(le_s=bound, count=histogram[i]) for i, bound in enumerate((*DURATION_BINS_S, None))
        ],
    )


def _rounded(seconds: float | None) -> float | None:
    return None if seconds is None else round(float(seconds), 3)
