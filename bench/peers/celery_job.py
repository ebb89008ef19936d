"""Celery: the comparison's job and its driver (runs in the bench's own environment, bench/.peers).

Worker: ``celery -A celery_job worker --pool prefork --concurrency 2``. Driver: ``python
celery_job.py REDIS_URL N CONCURRENCY``. A job reports progress with ``update_state`` (Celery's own
way: a custom state in the result backend, one write per report).
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from datetime import datetime
from typing import Any, cast

import redis
from celery import Celery

REPORTS = 10
URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/10")

app = Celery("bench", broker=URL, backend=URL)
app.conf.update(result_expires=3600, worker_hijack_root_logger=False, broker_connection_retry_on_startup=True)


@app.task(bind=True, name="bench.job")  # type: ignore[untyped-decorator]
def job(self: Any) -> dict[str, Any]:
    for i in range(REPORTS):
        self.update_state(state="PROGRESS", meta={"done": i + 1, "total": REPORTS})
    return {}


def drive(n: int, concurrency: int) -> dict[str, float]:
    ids: list[str] = []
    lock = threading.Lock()
    left = [n]

    def submitter() -> None:
        while True:
            with lock:
                if left[0] == 0:
                    return
                left[0] -= 1
            ids.append(job.delay().id)

    while not app.control.ping(timeout=0.5):  # the worker is up
        pass
    start = time.time()
    threads = [threading.Thread(target=submitter) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    submitted = time.time()
    # Wait by reading the result backend directly, only for what has not finished yet.
    client = redis.Redis.from_url(URL)
    pending, finished = list(ids), []
    while pending:
        still = []
        values = cast(list[bytes | None], client.mget([f"celery-task-meta-{i}" for i in pending]))
        for task_id, raw in zip(pending, values, strict=True):
            meta = json.loads(raw) if raw else None
            if meta is not None and meta["status"] == "SUCCESS":
                finished.append(datetime.fromisoformat(meta["date_done"]).timestamp())
            else:
                still.append(task_id)
        pending = still
        if pending:
            time.sleep(0.02)
    return {"start": start, "submitted": submitted, "finished": max(finished)}


if __name__ == "__main__":
    print(json.dumps(drive(int(sys.argv[1]), int(sys.argv[2]))))
