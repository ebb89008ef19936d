"""/admin/operations and /admin/queue: every user's operations and the queue, for administrators."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from underway.activity import ActivityQueries, QueueHistory, Window
from underway.api.csv_export import CSV_RESPONSE, operations_csv
from underway.api.problems import problem_responses
from underway.api.routes.operations import list_page
from underway.api.schemas.operations import AdminOperationFilters, AdminOperationQuery
from underway.api.security import rate_limit, require_admin
from underway.api.state import RuntimeDep
from underway.operations.models import OperationPage, QueueSnapshot

router = APIRouter(
    prefix="/admin",
    tags=["adminOperations"],
    dependencies=[Depends(require_admin), Depends(rate_limit("read"))],
    responses=problem_responses(401, 403, 429),
)


@router.get(
    "/operations", name="list", summary="List everyone's operations", responses=problem_responses(422)
)
async def list_all(query: Annotated[AdminOperationQuery, Query()], runtime: RuntimeDep) -> OperationPage:
    """Newest first, with the same filters as /operations plus ``owner``. Single operations are
    read and cancelled through /operations/{id}, which administrators may use on any operation."""
    return await list_page(runtime.service, query.to_filter(query.owner), query.cursor, query.limit)


@router.get("/queue", name="queue", summary="Queue snapshot")
async def queue(runtime: RuntimeDep) -> QueueSnapshot:
    """Queued operations by priority, running count, capacity and per-user usage."""
    return await runtime.service.queue_snapshot()


@router.get(
    "/operations/export",
    name="export",
    summary="Export everyone's operations as CSV",
    response_class=StreamingResponse,
    responses={**problem_responses(422), **CSV_RESPONSE},
)
async def export_all(
    query: Annotated[AdminOperationFilters, Query()], runtime: RuntimeDep
) -> StreamingResponse:
    """Every operation the same filters list under /admin/operations, as a CSV attachment."""
    return operations_csv(runtime.service, query.to_filter(query.owner), "all-operations")


@router.get("/queue/history", name="queueHistory", summary="Queue depth over time")
async def queue_history(runtime: RuntimeDep, window: Window = Window.DAY) -> QueueHistory:
    """Queued and running operations every 10 minutes over the last 24 h, or every hour over 7 days,
    derived from the operations' own timestamps (see docs/api.md)."""
    return await ActivityQueries(runtime.engine).queue_history(window)
