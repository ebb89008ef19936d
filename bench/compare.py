"""The same job on every system, side by side in one run: arq, Celery and Underway.

The job: an operation that does nothing but report progress 10 times, N times over (N=2,000). Each
system runs it as its users would:

* **arq 0.28**: one worker process (``arq``), ``max_jobs=100``, ``poll_delay=0.02`` s (arq's default
  0.5 s poll and 10 jobs make it ten times slower on this job); a job writes each progress report to
  Redis with a ``SET`` (arq has no progress API);
* **Celery 5**: ``celery worker --pool prefork --concurrency 2``, Redis broker and result backend;
  a job reports with ``self.update_state(state="PROGRESS", meta=...)``;
* **Underway**: ``ctx.progress(done, total)``; embedded (one process, SQLite, the runtime runs the
  job), on PostgreSQL with ``underway worker`` processes and a submitting process, and over the HTTP
  API (authenticated clients against ``underway serve`` on SQLite).

Every system is submitted to by 16 concurrent submitters (asyncio tasks, or threads for Celery's
blocking client) and its driver watches its result store every 20 ms. *Submit/s* is N over the time
to have every submission accepted; *end-to-end ops/s* is N over the time from the first submission to
the last job's recorded finish. arq and Celery are installed into the bench's own environment
(bench/.peers, never the project's) and use their own Redis database (flushed before each run).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import redis
from api_bench import PASSWORD, token_for
from machine import wait_for_quiet
from servers import BENCH, Databases, create_user, free_port, process, underway_env
from stats import Figure

from underway.store.engine import upgrade

PEERS = BENCH / ".peers"
PEER_PYTHON = PEERS / "bin" / "python"
PEER_PACKAGES = ["arq==0.28.*", "celery[redis]==5.*"]
SUBMITTERS = 16
ASYNC_SLOTS = 100  # operations one asyncio process runs at once (arq's max_jobs, Underway's workers)
PROCESS_SLOTS = 50  # per `underway worker` process when several share the work


@dataclass(frozen=True)
class Timing:
    start: float
    submitted: float
    finished: float
    cpu_busy: float | None = None  # the machine's CPU busy fraction during the run, when measured

    def submit_rate(self, n: int) -> float:
        return n / (self.submitted - self.start)

    def end_to_end_rate(self, n: int) -> float:
        return n / (self.finished - self.start)


def _timing(output: str) -> Timing:
    data = json.loads(output.strip().splitlines()[-1])
    return Timing(data["start"], data["submitted"], data["finished"], data.get("cpu_busy"))


def _run_driver(args: list[str], env: dict[str, str], cwd: Path) -> Timing:
    done = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:3])} failed:\n{done.stderr[-3000:]}")
    return _timing(done.stdout)


# -- arq and Celery ------------------------------------------------------------------------------


def install_peers() -> str | None:
    """Install arq and Celery into bench/.peers (once); None if they are there, else why not."""
    check = [str(PEER_PYTHON), "-c", "import arq, celery"]
    if PEER_PYTHON.exists() and subprocess.run(check, capture_output=True, check=False).returncode == 0:
        return None
    uv = shutil.which("uv") or str(Path.home() / ".local" / "bin" / "uv")
    try:
        subprocess.run([uv, "venv", "--quiet", str(PEERS)], check=True, capture_output=True, text=True)
        subprocess.run(
            [uv, "pip", "install", "--quiet", "--python", str(PEER_PYTHON), *PEER_PACKAGES],
            check=True,
            capture_output=True,
            text=True,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", "") or str(exc)
        return f"could not install {' and '.join(PEER_PACKAGES)} into {PEERS}: {detail.strip()[-500:]}"
    return None


def redis_problem(url: str) -> str | None:
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return f"Redis at {url} is not reachable: {exc}"
    return None


def _peer_env(redis_url: str) -> dict[str, str]:
    return {**os.environ, "BENCH_REDIS_URL": redis_url, "PYTHONPATH": str(BENCH / "peers")}


@contextmanager
def _peer_worker(args: list[str], redis_url: str, log: Path) -> Iterator[None]:
    redis.Redis.from_url(redis_url).flushdb()  # the bench's own database only
    with open(log, "wb") as out:
        proc = subprocess.Popen(args, env=_peer_env(redis_url), cwd=BENCH / "peers", stdout=out, stderr=out)
        try:
            yield
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def arq(redis_url: str, n: int, logs: Path) -> Timing:
    worker = [str(PEERS / "bin" / "arq"), "arq_job.WorkerSettings"]
    with _peer_worker(worker, redis_url, logs / "arq.log"):
        driver = [str(PEER_PYTHON), "arq_job.py", redis_url, str(n), str(SUBMITTERS)]
        return _run_driver(driver, _peer_env(redis_url), BENCH / "peers")


def celery(redis_url: str, n: int, logs: Path) -> Timing:
    worker = [
        str(PEERS / "bin" / "celery"),
        "-A",
        "celery_job",
        "worker",
        "--pool",
        "prefork",
        "--concurrency",
        "2",
        "--loglevel",
        "warning",
    ]
    with _peer_worker(worker, redis_url, logs / "celery.log"):
        driver = [str(PEER_PYTHON), "celery_job.py", str(n), str(SUBMITTERS)]
        return _run_driver(driver, _peer_env(redis_url), BENCH / "peers")


# -- Underway ------------------------------------------------------------------------------------


def _underway_driver(env: dict[str, str], *args: str) -> Timing:
    command = [sys.executable, str(BENCH / "underway_job.py"), "--concurrency", str(SUBMITTERS), *args]
    return _run_driver(command, env, BENCH)


def embedded(database: Databases, n: int, data_dir: Path) -> Timing:
    with database("embedded") as url:
        env = underway_env(data_dir, url)
        return _underway_driver(
            env, "--database", url, "--n", str(n), "--workers", str(ASYNC_SLOTS), "--data-dir", str(data_dir)
        )


def worker_processes(database: Databases, n: int, processes: int, data_dir: Path) -> Timing:
    """``processes`` ``underway worker`` processes, and this bench's process submitting through a runtime
    that runs nothing."""
    with database(f"workers{processes}") as url:
        env = underway_env(data_dir, url, UNDERWAY_WORKERS=str(PROCESS_SLOTS))
        env["UNDERWAY_MAX_RUNNING_PER_USER"] = str(PROCESS_SLOTS * processes)
        asyncio.run(upgrade(url))  # once, before the processes start
        with _underway_workers(env, processes, data_dir):
            return _underway_driver(
                env,
                "--database",
                url,
                "--n",
                str(n),
                "--worker-processes",
                str(processes),
                "--data-dir",
                str(data_dir),
            )


def drain_rate(database: Databases, n: int, processes: int, data_dir: Path) -> Timing:
    """``n`` operations queued first, then ``processes`` worker processes started: how fast the
    workers alone empty the queue (the submitting process is out of the picture)."""
    with database(f"drain{processes}") as url:
        env = underway_env(data_dir, url, UNDERWAY_WORKERS=str(PROCESS_SLOTS))
        env["UNDERWAY_MAX_RUNNING_PER_USER"] = str(PROCESS_SLOTS * processes)
        common = ["--database", url, "--n", str(n), "--data-dir", str(data_dir)]
        _underway_driver(env, *common, "--submit-only")
        with _underway_workers(env, processes, data_dir):
            return _underway_driver(env, *common, "--drain")


@contextmanager
def _underway_workers(env: dict[str, str], processes: int, data_dir: Path) -> Iterator[None]:
    procs = []
    try:
        for i in range(processes):
            log = open(data_dir / f"worker-{i}.log", "wb")  # noqa: SIM115 (closed with the process)
            procs.append(
                (
                    subprocess.Popen(
                        [sys.executable, "-m", "underway", "worker"],
                        env=env,
                        cwd=BENCH.parent / "backend",
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    ),
                    log,
                )
            )
        yield
    finally:
        for proc, _ in procs:
            proc.terminate()
        for proc, log in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            log.close()


def over_api(database: Databases, n: int, data_dir: Path) -> Timing:
    with database("api") as url:
        env = underway_env(data_dir, url, UNDERWAY_WORKERS=str(ASYNC_SLOTS))
        env["UNDERWAY_MAX_RUNNING_PER_USER"] = str(ASYNC_SLOTS)
        create_user(env, "bench", PASSWORD)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        serve = [sys.executable, "-m", "underway", "serve", "--port", str(port)]
        with process(serve, env, f"{base}/api/v1/health"):
            token = asyncio.run(token_for(base))
            return _underway_driver(env, "--database", url, "--n", str(n), "--api", base, "--token", token)


# -- the table -----------------------------------------------------------------------------------


Measure = Callable[[Path], Timing]


def run(
    data_dir: Path, database: Databases, postgres: bool, redis_url: str, quick: bool, rounds: int = 3
) -> list[Figure]:
    """Each system in turn, ``rounds`` times (interleaved, so drift on a shared machine hits all
    alike); the figures are medians. On PostgreSQL Underway runs with worker processes; on SQLite,
    embedded and over the API."""
    n, rounds = (300, 1) if quick else (2000, rounds)
    logs = data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    contenders: dict[str, Measure] = {}
    missing = install_peers() or redis_problem(redis_url)
    if missing:
        print(f"arq and Celery are not measured: {missing}", file=sys.stderr)
    else:
        contenders[ARQ] = lambda _: arq(redis_url, n, logs)
        contenders["Celery 5 (prefork, 2 processes, Redis)"] = lambda _: celery(redis_url, n, logs)
    if postgres:
        name = f"Underway, PostgreSQL, {WORKER_PROCESSES} worker processes"
        contenders[name] = lambda d: worker_processes(database, n, WORKER_PROCESSES, d)
    else:
        contenders["Underway, embedded, SQLite"] = lambda d: embedded(database, n, d)
        contenders[f"Underway over the API ({SUBMITTERS} clients, SQLite)"] = lambda d: over_api(
            database, n, d
        )
    runs = _rounds(contenders, rounds, data_dir)
    figures = []
    for unit, rate in (("submit/s", Timing.submit_rate), ("ops/s", Timing.end_to_end_rate)):
        kind = "submissions per second" if unit == "submit/s" else "end-to-end operations per second"
        rates = {name: statistics.median(rate(t, n) for t in timings) for name, timings in runs.items()}
        base = rates.get(ARQ)
        for name, value in rates.items():
            baseline = (ARQ, base) if base is not None and name != ARQ else (None, None)
            figures.append(Figure(f"{name}: {kind}", value, unit, *baseline))
    return figures


def scaling(data_dir: Path, database: Databases, quick: bool, rounds: int = 3) -> list[Figure]:
    """PostgreSQL: the same job on 4 worker processes against 1, from a queue filled beforehand
    (submitting while they run would measure the submitting process)."""
    n, rounds = (300, 1) if quick else (2000, rounds)
    contenders: dict[str, Measure] = {
        str(p): (lambda d, p=p: drain_rate(database, n, p, d))  # type: ignore[misc]
        for p in (1, 4)
    }
    runs = _rounds(contenders, rounds, data_dir)
    one, four = (statistics.median(t.end_to_end_rate(n) for t in runs[p]) for p in ("1", "4"))
    name = "Operations per second draining a full queue, 4 worker processes"
    figures = [Figure(name, four, "ops/s", "1 process", one)]
    busy = {p: [t.cpu_busy * 100 for t in runs[p] if t.cpu_busy is not None] for p in ("1", "4")}
    if busy["1"] and busy["4"]:
        figures.append(
            Figure(
                "Machine CPU busy (all cores, every process on it) during the 4-process run",
                statistics.median(busy["4"]),
                "%",
                "1 process",
                statistics.median(busy["1"]),
            )
        )
    return figures


def _rounds(contenders: dict[str, Measure], rounds: int, data_dir: Path) -> dict[str, list[Timing]]:
    runs: dict[str, list[Timing]] = {}
    for r in range(rounds):
        for i, (name, measure) in enumerate(contenders.items()):
            work = data_dir / f"round{r}-{i}"
            work.mkdir(parents=True)
            wait_for_quiet()
            runs.setdefault(name, []).append(measure(work))
            print(f"  {name}: round {r + 1} done", file=sys.stderr)
    return runs


ARQ = "arq 0.28 (1 worker process, Redis)"
WORKER_PROCESSES = 3
