"""/stats: the dashboard's figures."""

from __future__ import annotations

from fastapi import APIRouter, Depends

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
