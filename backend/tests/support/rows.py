"""Operation rows written straight into a database, for tests that need exact timestamps or a state
from before a migration (a real database; the service is not involved)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime


def operation_row(status: str, workflow: str, **columns: object) -> dict[str, object]:
    """A complete ``operations`` row owned by alice, created now; ``columns`` override any column."""
    now = datetime.now(UTC)
    return {
        "id": str(uuid.uuid4()),
        "workflow": workflow,
        "owner": "alice",
        "status": status,
        "priority": "normal",
        "priority_rank": 1,
        "params": {},
        "metadata": {},
        "timeout_s": 60.0,
        "created_at": now,
        "enqueued_at": now,
        "started_at": now if status == "running" else None,
        "artifacts": [],
        "percent": 0.0,
        "total_stages": 1,
        "last_seq": 0,
        "attempt": 1,
        "stage_durations": {},
        **columns,
    }
