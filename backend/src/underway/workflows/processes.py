"""A lazily created process pool for CPU-heavy workflow steps (true parallelism, no GIL contention)."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

_pool: ProcessPoolExecutor | None = None


def process_pool() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        # "spawn" keeps children free of the parent's event loop, threads and open connections.
        _pool = ProcessPoolExecutor(mp_context=multiprocessing.get_context("spawn"))
    return _pool


def shutdown_process_pool() -> None:
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=False, cancel_futures=True)
        _pool = None
