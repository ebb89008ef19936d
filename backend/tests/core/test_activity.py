"""The activity charts' figures, aggregated in SQL on SQLite and PostgreSQL, checked against a plain
Python reading of the same operations (inserted with exact timestamps, so every figure is known)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import Table, insert, inspect
from sqlalchemy import create_engine as sync_engine
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support.rows import operation_row
from underway.activity import ActivityQueries, Window
from underway.store.engine import alembic_config, create_engine, upgrade, upgrade_sync
from underway.store.tables import OperationRow

OPS: Table = OperationRow.__table__  # type: ignore[attr-defined]
NOW = datetime(2026, 12, 7, 12, 34, 56, tzinfo=UTC)


@dataclass
class Op:
    workflow: str
    status: str
    created: datetime
    started: datetime | None = None
    finished: datetime | None = None
    owner: str = "alice"

    def row(self) -> dict[str, object]:
        return operation_row(
            self.status,
            self.workflow,
            owner=self.owner,
            timeout_s=3600.0,
            created_at=self.created,
            enqueued_at=self.created,
            started_at=self.started,
            finished_at=self.finished,
        )


def ago(**delta: float) -> datetime:
    return NOW - timedelta(**delta)


def run(workflow: str, status: str, finished: datetime, seconds: float, owner: str = "alice") -> Op:
    started = finished - timedelta(seconds=seconds)
    return Op(workflow, status, started - timedelta(seconds=7), started, finished, owner)


# report: 20 completed runs of 1..20 s spread over the last day, and one of each other ending.
SCENE = [
    *[run("report", "completed", ago(hours=i, minutes=13), seconds=i + 1) for i in range(20)],
    run("report", "failed", ago(hours=3, minutes=5), 4),
    run("report", "timed_out", ago(hours=3, minutes=6), 3600),
    Op("report", "cancelled", ago(hours=2, minutes=1), None, ago(hours=1, minutes=59)),  # never started
    run("sleep", "completed", ago(days=3), 2),  # in the week, not the day
    run("sleep", "completed", ago(minutes=20), 42, owner="bob"),
    run("sleep", "failed", ago(days=9), 1),  # before either window
    Op("sleep", "queued", ago(minutes=25, seconds=3)),
    Op("sleep", "queued", ago(days=2)),  # waiting since before the window
    Op("report", "running", ago(minutes=50), ago(minutes=45, seconds=9)),
]


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    await upgrade(database_url)
    engine = create_engine(database_url)
    async with engine.begin() as conn:
        await conn.execute(insert(OPS), [op.row() for op in SCENE])
    yield engine
    await engine.dispose()


def _finished_in(ops: list[Op], since: datetime, owner: str | None) -> list[Op]:
    return [o for o in ops if o.finished and o.finished >= since and owner in (None, o.owner)]


async def test_throughput_counts_each_hour_by_status(engine: AsyncEngine) -> None:
    queries = ActivityQueries(engine)
    day = await queries.throughput(Window.DAY, owner=None, now=NOW)
    assert len(day.buckets) == 24 and day.bucket_s == 3600
    assert day.buckets[-1].start == NOW.replace(minute=0, second=0)
    for bucket in day.buckets:
        end = bucket.start + timedelta(hours=1)
        inside = [o for o in SCENE if o.finished and bucket.start <= o.finished < end]
        for status in ("completed", "failed", "cancelled", "timed_out"):
            assert getattr(bucket, status) == sum(o.status == status for o in inside), (bucket, status)
    assert sum(b.completed for b in day.buckets) == 21  # 20 reports and bob's sleep

    week = await queries.throughput(Window.WEEK, owner=None, now=NOW)
    assert len(week.buckets) == 168
    assert sum(b.completed for b in week.buckets) == 22  # and the 3-day-old sleep
    bobs = await queries.throughput(Window.DAY, owner="bob", now=NOW)
    assert [b.completed for b in bobs.buckets if b.completed] == [1]


async def test_durations_and_success_per_workflow(engine: AsyncEngine) -> None:
    queries = ActivityQueries(engine)
    day = await queries.workflows(Window.DAY, owner=None, now=NOW)
    by_name = {w.workflow: w for w in day.workflows}
    report = by_name["report"]
    assert (report.finished, report.completed, report.failed, report.timed_out, report.cancelled) == (
        23,
        20,
        1,
        1,
        1,
    )
    assert report.success_rate == round(20 / 22, 4)
    # Nearest rank over 1..20 s: p50 is the 10th value, p95 the 19th.
    assert report.p50_s == pytest.approx(10, abs=0.01)
    assert report.p95_s == pytest.approx(19, abs=0.01)
    assert report.max_s == pytest.approx(20, abs=0.01)
    bins = {b.le_s: b.count for b in report.durations}
    assert bins == {1: 1, 2: 1, 5: 3, 10: 5, 30: 10, 60: 0, 120: 0, 300: 0, 600: 0, 1800: 0, 3600: 0, None: 0}

    assert by_name["sleep"].finished == 1 and by_name["sleep"].p50_s == pytest.approx(42, abs=0.01)
    mine = await queries.workflows(Window.DAY, owner="alice", now=NOW)
    assert [w.workflow for w in mine.workflows] == ["report"]
    week = await queries.workflows(Window.WEEK, owner="alice", now=NOW)
    assert {w.workflow: w.finished for w in week.workflows} == {"report": 23, "sleep": 1}


def _depth_at(t: datetime) -> tuple[int, int]:
    """The reference: queued from creation until the start (or the end), running until the end."""
    queued = sum(1 for o in SCENE if o.created < t and not ((o.started or o.finished or t) < t))
    running = sum(1 for o in SCENE if o.started and o.started < t and not (o.finished and o.finished < t))
    return queued, running


async def test_queue_depth_over_time_follows_the_operations(engine: AsyncEngine) -> None:
    queries = ActivityQueries(engine)
    for window, bucket_s, count in ((Window.DAY, 600, 144), (Window.WEEK, 3600, 168)):
        history = await queries.queue_history(window, now=NOW)
        assert history.bucket_s == bucket_s and len(history.samples) == count
        assert history.samples[-1].at == NOW
        assert (history.samples[-1].queued, history.samples[-1].running) == (2, 1)
        for sample in history.samples:
            assert (sample.queued, sample.running) == _depth_at(sample.at), sample
    # The window's intervals end on round times: every 10 minutes over a day.
    day = await queries.queue_history(Window.DAY, now=NOW)
    assert day.samples[-2].at == datetime(2026, 12, 7, 12, 30, tzinfo=UTC)


def test_the_activity_indexes_migrate_down_and_up(database_url: str) -> None:
    config = alembic_config(database_url)
    upgrade_sync(database_url)
    command.downgrade(config, "0004")
    engine = sync_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            names = {i["name"] for i in inspect(conn).get_indexes("operations")}
        assert "ix_operations_finished" not in names
        command.upgrade(config, "head")
        with engine.connect() as conn:
            names = {i["name"] for i in inspect(conn).get_indexes("operations")}
        assert {"ix_operations_finished", "ix_operations_owner_finished"} <= names
    finally:
        engine.dispose()
