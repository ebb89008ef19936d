"""An engine on a migrated, empty database (SQLite and PostgreSQL, via ``database_url``)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from underway.store.engine import create_engine, upgrade


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    await upgrade(database_url)
    eng = create_engine(database_url)
    try:
        yield eng
    finally:
        await eng.dispose()
