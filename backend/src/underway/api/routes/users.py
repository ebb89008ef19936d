"""GET /users/me: the signed-in account."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from underway.api.problems import problem_responses
from underway.api.security import CurrentPrincipal, rate_limit
from underway.api.state import AuthDep
from underway.auth.models import User

router = APIRouter(
    prefix="/users",
    tags=["users"],
    dependencies=[Depends(rate_limit("read"))],
    responses=problem_responses(401, 403, 429),
)


@router.get("/me", name="me", summary="Current user")
async def me(principal: CurrentPrincipal, auth: AuthDep) -> User:
    return await auth.get_user(principal.user_id)
