"""/stats: the dashboard's figures and charts."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from underway.activity import ActivityQueries, Throughput, Window, WorkflowsActivity
from underway.api.problems import problem_responses
from underway.api.scoping import owner_scope
from underway.api.security import CurrentPrincipal, rate_limit
from underway.api.state import RuntimeDep
from underway.operations.models import Stats

router = APIRouter(
    prefix="/stats",
    tags=["stats"],
    dependencies=[Depends(rate_limit("read"))],
    responses=problem_responses(401, 403, 429),
)


@router.get("", name="get", summary="Operation figures")
async def get_stats(principal: CurrentPrincipal, runtime: RuntimeDep) -> Stats:
    """Your own figures; for administrators, everyone's."""
    return await runtime.service.stats(owner=owner_scope(principal))


@router.get(
    "/throughput", name="throughput", summary="Operations finished per hour", responses=problem_responses(422)
)
async def throughput(
    principal: CurrentPrincipal, runtime: RuntimeDep, window: Window = Window.DAY
) -> Throughput:
    """Operations that finished in each hour of the last 24 h or 7 days, by terminal status. Yours;
    for administrators, everyone's."""
    return await ActivityQueries(runtime.engine).throughput(window, owner=owner_scope(principal))


@router.get(
    "/workflows",
    name="workflows",
    summary="Durations and success per workflow",
    responses=problem_responses(422),
)
async def workflows(
    principal: CurrentPrincipal, runtime: RuntimeDep, window: Window = Window.DAY
) -> WorkflowsActivity:
    """Per workflow, over the last 24 h or 7 days: finished operations by status, success rate,
    p50/p95/max run time and a histogram of run times. Yours; for administrators, everyone's."""
    return await ActivityQueries(runtime.engine).workflows(window, owner=owner_scope(principal))
