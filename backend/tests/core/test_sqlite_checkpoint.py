"""SQLite: while the service runs, its database file keeps up with the write-ahead log. A thread
checkpoints it; the store writer, which every operation waits on, never stops for that."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.waiting import eventually
from underway.operations.status import OperationStatus
from underway.runtime import Runtime
from underway.settings import Settings


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'db' / 'underway.db'}"


async def test_the_database_file_catches_up_with_the_log_while_operations_run(
    settings_factory: Callable[..., Settings], tmp_path: Path
) -> None:
    database = tmp_path / "db" / "underway.db"
    async with Runtime.open(settings_factory(workers=50)) as rt:
        before = database.stat().st_size
        ops = await asyncio.gather(
            *(
                rt.service.submit(
                    workflow="demo.sleep", params={"steps": 2, "step_s": 0}, owner=f"user{i % 5}"
                )
                for i in range(300)
            )
        )
        finals = await asyncio.gather(*(rt.service.wait(op.id, timeout=60) for op in ops))
        assert {f.status for f in finals} == {OperationStatus.COMPLETED}

        with sqlite3.connect(database) as reader:
            page_size, pages = (
                reader.execute(f"PRAGMA {p}").fetchone()[0] for p in ("page_size", "page_count")
            )
        assert pages * page_size > before  # committed, to the log at least

        async def caught_up() -> int | None:
            size = database.stat().st_size
            return size if size == pages * page_size else None

        # Copied into the file while the runtime is still open (closing the last connection would
        # checkpoint anyway), without any commit of ours having stopped for it.
        await eventually(caught_up, "the database file to hold every committed page")
