"""Scale-out with real processes on one database: API processes (``serve --workers 0``) and worker
processes (``underway worker``), as docker-compose.yml deploys them. Every test runs on SQLite and
on PostgreSQL."""

from __future__ import annotations

import signal
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.support.cluster import AdminStream, Cluster, cluster, read_runs, stream_events, wait_until

pytestmark = pytest.mark.timeout(300)


def _all_finished(c: Cluster, ids: list[str]) -> list[dict[str, Any]] | None:
    ops = [c.get(op_id) for op_id in ids]
    return ops if all(op["finished_at"] is not None for op in ops) else None


def _max_overlap(ops: list[dict[str, Any]]) -> int:
    """The most operations of ``ops`` that were running at the same moment."""
    edges: list[tuple[datetime, int]] = []
    for op in ops:
        edges.append((datetime.fromisoformat(op["started_at"]), 1))
        edges.append((datetime.fromisoformat(op["finished_at"]), -1))
    running = peak = 0
    for _, step in sorted(edges):  # an end sorts before a start at the same instant
        running += step
        peak = max(peak, running)
    return peak


def test_two_api_processes_and_three_workers_run_each_operation_once_within_per_user_limits(
    tmp_path: Path, database_url: str
) -> None:
    log = tmp_path / "runs.log"
    with cluster(tmp_path, database_url, UNDERWAY_MAX_RUNNING_PER_USER="2") as c:
        for user, admin in (("root", True), ("alice", False), ("bob", False)):
            c.create_user(user, admin=admin)
        c.start_api()
        c.start_api()
        for _ in range(3):
            c.start_worker(workers=2)
        c.wait_for_workers(3)
        # 6 worker slots, but alice and bob may run only 2 each: the limit is what binds.
        ids = [
            c.submit(i % 2, "test.record", {"log": str(log), "hold_s": 0.05}, user=("alice", "bob")[i % 2])[
                "id"
            ]
            for i in range(40)
        ]
        ops = wait_until(lambda: _all_finished(c, ids), "40 operations to finish", timeout=120)

    assert all(op["status"] == "completed" and op["attempt"] == 1 for op in ops)
    runs = read_runs(log)
    assert set(runs) == set(ids)
    for op_id, lines in runs.items():  # run once, start to end, by one process
        assert [what for _, what in lines] == ["start", "end"], (op_id, lines)
        assert lines[0][0] == lines[1][0]
    assert len({lines[0][0] for lines in runs.values()}) > 1  # the work was shared
    for user in ("alice", "bob"):
        assert _max_overlap([op for op in ops if op["owner"] == user]) <= 2


def _wait_until_live(c: Cluster, admin: AdminStream, log: Path) -> None:
    """The admin stream subscribes as it starts: once a probe operation's end reaches it, it is live."""

    def probe_seen() -> bool | None:
        probe = c.submit(1, "test.record", {"log": str(log)})
        try:
            wait_until(lambda: True if "completed" in admin.statuses(probe["id"]) else None, "probe", 5)
        except AssertionError:
            return None
        return True

    wait_until(probe_seen, "the admin stream to be live")


def test_a_stream_through_one_api_process_follows_a_worker_live_and_a_cancel_through_another_stops_it(
    tmp_path: Path, database_url: str
) -> None:
    log, gate = tmp_path / "runs.log", tmp_path / "gate"
    with cluster(tmp_path, database_url) as c:
        c.create_user()
        c.start_api()
        c.start_api()
        c.start_worker()
        c.wait_for_workers(1)
        admin = AdminStream(c.apis[0], c.token())
        _wait_until_live(c, admin, log)

        op = c.submit(1, "test.record", {"log": str(log), "gate": str(gate)})
        running = wait_until(
            lambda: c.get(op["id"]) if c.get(op["id"])["status"] == "running" else None, "running"
        )
        events: list[dict[str, Any]] = []
        ws_url = c.apis[0].replace("http", "ws", 1) + f"/operations/{op['id']}/stream"

        reader = threading.Thread(target=stream_events, args=(ws_url, c.token(), events.append))
        reader.start()
        # What happened so far came from the log; what the worker does next must arrive live.
        wait_until(lambda: True if len(events) >= running["last_seq"] else None, "the log so far")
        gate.touch()
        reader.join(timeout=60)
        assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
        assert events[-1]["type"] == "status" and events[-1]["status"] == "completed"
        assert len(events) > running["last_seq"]

        waiting = c.submit(0, "test.record", {"log": str(log), "gate": str(tmp_path / "never")})
        wait_until(lambda: True if c.get(waiting["id"])["status"] == "running" else None, "running")
        with c.client(1) as api_b:
            assert api_b.post(f"/operations/{waiting['id']}/cancel").json()["status"] == "cancelling"
        stopped = wait_until(
            lambda: c.get(waiting["id"]) if c.get(waiting["id"])["finished_at"] else None, "cancel"
        )
        wait_until(lambda: True if "completed" in admin.statuses(op["id"]) else None, "the admin stream")
        admin.close()
    # The admin stream of API process A saw the operation that API process B queued and the worker
    # ran, from its queuing to its end.
    assert admin.statuses(op["id"]) == ["queued", "running", "completed"]
    # Stopped at its next checkpoint by the worker, not by force after the grace period.
    assert stopped["status"] == "cancelled" and stopped["progress"]["message"] == "Cancelled"


def test_kill_9_of_a_worker_with_50_running_and_200_queued_loses_and_duplicates_nothing(
    tmp_path: Path, database_url: str
) -> None:
    log, gate = tmp_path / "runs.log", tmp_path / "gate"
    with cluster(tmp_path, database_url, UNDERWAY_MAX_RUNNING_PER_USER="1000") as c:
        c.create_user()
        c.start_api()
        doomed = c.start_worker(workers=50)
        c.wait_for_workers(1)
        ids = [c.submit(0, "test.record", {"log": str(log), "gate": str(gate)})["id"] for _ in range(250)]
        wait_until(lambda: True if c.queue()["running"] == 50 else None, "50 running")
        # ... and each of them inside its workflow (the kill then interrupts 50 runs, not claims).
        wait_until(lambda: True if len(read_runs(log)) == 50 else None, "50 runs started")
        assert c.queue()["queued"] == 200
        doomed.signal(signal.SIGKILL)
        doomed.exit_code()

        c.start_worker(workers=50)  # on the same host: the dead pid is recovered at once
        gate.touch()
        ops = wait_until(lambda: _all_finished(c, ids), "250 operations to finish", timeout=180)
        with c.client() as api:
            logs = {op_id: api.get(f"/operations/{op_id}/events").json() for op_id in ids}

    runs = read_runs(log)
    # Each operation's story: attempts, its status events, and what its runs wrote.
    stories = {
        op["id"]: (
            op["attempt"],
            [e["status"] for e in logs[op["id"]] if e["type"] == "status"],
            [what for _, what in runs.get(op["id"], [])],
        )
        for op in ops
    }
    ran_once = (1, ["queued", "running", "completed"], ["start", "end"])
    # Started by the killed worker, re-queued, run again to the end: finished exactly once.
    interrupted = (2, ["queued", "running", "queued", "running", "completed"], ["start", "start", "end"])
    odd = {op_id: story for op_id, story in stories.items() if story not in (ran_once, interrupted)}
    assert not odd, odd
    assert sum(story == interrupted for story in stories.values()) == 50
    for op in ops:  # every log gap-free
        assert [e["seq"] for e in logs[op["id"]]] == list(range(1, op["last_seq"] + 1))


def test_sigterm_drains_a_worker_its_running_operation_finishes_and_nothing_new_starts(
    tmp_path: Path, database_url: str
) -> None:
    log, gate = tmp_path / "runs.log", tmp_path / "gate"
    with cluster(tmp_path, database_url) as c:
        c.create_user()
        c.start_api()
        worker = c.start_worker(workers=1, UNDERWAY_SHUTDOWN_GRACE_S="60")
        c.wait_for_workers(1)
        first = c.submit(0, "test.record", {"log": str(log), "gate": str(gate)})
        wait_until(lambda: True if c.get(first["id"])["status"] == "running" else None, "running")
        worker.signal(signal.SIGTERM)
        worker.wait_for_line("Draining")
        wait_until(
            lambda: True if any(w["draining"] for w in c.workers()) else None, "draining in the registry"
        )
        second = c.submit(0, "test.record", {"log": str(log)})
        gate.touch()
        assert worker.exit_code() == 0
        assert c.get(first["id"])["status"] == "completed"  # it was let finish
        assert c.get(second["id"])["status"] == "queued"  # the draining worker took nothing new
        c.start_worker(workers=1)
        done = wait_until(
            lambda: c.get(second["id"]) if c.get(second["id"])["finished_at"] else None, "second"
        )
    assert done["status"] == "completed"


def test_sigterm_past_the_grace_period_settles_by_the_restart_policy(
    tmp_path: Path, database_url: str
) -> None:
    log = tmp_path / "runs.log"
    with cluster(tmp_path, database_url) as c:
        c.create_user()
        c.start_api()
        worker = c.start_worker(workers=1, UNDERWAY_SHUTDOWN_GRACE_S="0.5")
        c.wait_for_workers(1)
        op = c.submit(0, "test.record", {"log": str(log), "gate": str(tmp_path / "never")})
        wait_until(lambda: True if c.get(op["id"])["status"] == "running" else None, "running")
        worker.signal(signal.SIGTERM)
        assert worker.exit_code() == 0
        requeued = c.get(op["id"])
    # test.record is retry-safe: back in the queue for its next attempt, not lost.
    assert requeued["status"] == "queued" and requeued["attempt"] == 2
