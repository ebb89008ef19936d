"""Operation listings as CSV, streamed page by page (keyset pages of the same listing the API
serves), so an export of any size holds one page in memory."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime

from fastapi.responses import StreamingResponse

from underway.operations.models import Operation, OperationFilter
from underway.operations.service import OperationService

COLUMNS = (
    "id",
    "workflow",
    "owner",
    "status",
    "priority",
    "created_at",
    "started_at",
    "finished_at",
    "duration_s",
    "percent",
    "stage",
    "attempt",
    "queue_position",
    "blocked_reason",
    "error",
)
PAGE = 200
# A cell starting with one of these is a formula to a spreadsheet (CSV injection): an error message
# or a workflow name could carry "=HYPERLINK(...)". A leading apostrophe keeps it plain text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str | None) -> str:
    if value is None:
        return ""
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def _time(value: datetime | None) -> str:
    return "" if value is None else value.astimezone(UTC).isoformat()


def _row(op: Operation) -> list[object]:
    duration = (
        round((op.finished_at - op.started_at).total_seconds(), 3) if op.started_at and op.finished_at else ""
    )
    return [
        op.id,
        _text(op.workflow),
        _text(op.owner),
        op.status.value,
        op.priority.value,
        _time(op.created_at),
        _time(op.started_at),
        _time(op.finished_at),
        duration,
        op.progress.percent,
        _text(op.progress.stage),
        op.attempt,
        op.queue_position or "",
        _text(op.blocked_reason),
        _text(op.error),
    ]


async def _lines(service: OperationService, flt: OperationFilter) -> AsyncIterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(COLUMNS)
    cursor: str | None = None
    while True:
        page = await service.list(flt, cursor=cursor, limit=PAGE)
        writer.writerows(_row(op) for op in page.items)
        yield flush()
        cursor = page.next_cursor
        if cursor is None:
            return


def operations_csv(service: OperationService, flt: OperationFilter, name: str) -> StreamingResponse:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return StreamingResponse(
        _lines(service, flt),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}-{stamp}.csv"'},
    )


CSV_RESPONSE: dict[int | str, dict[str, object]] = {
    200: {
        "description": f"CSV with a header row: {', '.join(COLUMNS)}. Times are ISO 8601 UTC.",
        "content": {"text/csv": {"schema": {"type": "string", "format": "binary"}}},
    }
}
