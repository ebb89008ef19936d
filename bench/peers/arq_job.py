"""arq: the comparison's job and its driver (runs in the bench's own environment, bench/.peers).

Worker: ``arq arq_job.WorkerSettings``. Driver: ``python arq_job.py REDIS_URL N CONCURRENCY``.
arq has no progress API: a job makes its progress visible to others the way arq users do, by
writing it to Redis (one SET per report, as the job goes).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from typing import Any

from arq import create_pool
from arq.connections import RedisSettings
from arq.jobs import Job

REPORTS = 10


async def job(ctx: dict[str, Any]) -> dict[str, Any]:
    redis = ctx["redis"]
    key = f"bench:progress:{ctx['job_id']}"
    for i in range(REPORTS):
        await redis.set(key, json.dumps({"done": i + 1, "total": REPORTS}))
    return {}


class WorkerSettings:
    functions = [job]
    redis_settings = RedisSettings.from_dsn(os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/10"))
    # Tuned for throughput: arq's defaults (10 jobs, a 0.5 s poll) run this job ten times slower.
    max_jobs = 100
    poll_delay = 0.02
    keep_result = 3600


async def drive(url: str, n: int, concurrency: int) -> dict[str, float]:
    pool = await create_pool(RedisSettings.from_dsn(url))
    while not await pool.exists("arq:queue:health-check"):  # noqa: ASYNC110 (polling Redis: the worker has started)
        await asyncio.sleep(0.05)
    ids: list[str] = []
    pending = iter(range(n))

    async def submitter() -> None:
        for _ in pending:
            job = await pool.enqueue_job("job")
            assert job is not None
            ids.append(job.job_id)

    start = time.time()
    await asyncio.gather(*(submitter() for _ in range(concurrency)))
    submitted = time.time()
    keys = [f"arq:result:{i}" for i in ids]
    while await pool.exists(*keys) < n:  # noqa: ASYNC110 (polling the result store, as the others do)
        await asyncio.sleep(0.02)
    finished = []
    for job_id in ids:
        info = await Job(job_id, pool).result_info()
        assert info is not None
        assert info.success
        finished.append(info.finish_time.timestamp())
    await pool.aclose()
    return {"start": start, "submitted": submitted, "finished": max(finished)}


if __name__ == "__main__":
    print(json.dumps(asyncio.run(drive(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))))
