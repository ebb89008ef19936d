"""/admin/users: account management, for administrators only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from underway.api.problems import problem_responses
from underway.api.security import AdminPrincipal, rate_limit, require_admin
from underway.api.state import AuthDep
from underway.auth.models import (
    PASSWORD_MAX_LENGTH,
    PASSWORD_MIN_LENGTH,
    USERNAME_PATTERN,
    Role,
    User,
)

router = APIRouter(
    prefix="/admin/users",
    tags=["adminUsers"],
    dependencies=[Depends(require_admin), Depends(rate_limit("read"))],
    responses=problem_responses(401, 403, 429),
)


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(pattern=USERNAME_PATTERN, description="3-64 of a-z 0-9 _ . -")
    password: str = Field(min_length=PASSWORD_MIN_LENGTH, max_length=PASSWORD_MAX_LENGTH)
    role: Role = Role.USER


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    disabled: bool | None = None
    role: Role | None = None


@router.get("", name="list", summary="List users")
async def list_users(
    auth: AuthDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[User]:
    return await auth.list_users(limit=limit, offset=offset)


@router.post(
    "",
    name="create",
    summary="Create a user",
    status_code=201,
    responses=problem_responses(409, 422),
)
async def create_user(body: UserCreate, request: Request, response: Response, auth: AuthDep) -> User:
    user = await auth.create_user(body.username, body.password, body.role)
    response.headers["Location"] = f"{request.url.path.rstrip('/')}/{user.id}"
    return user


@router.get("/{user_id}", name="get", summary="Get a user", responses=problem_responses(404))
async def get_user(user_id: str, auth: AuthDep) -> User:
    return await auth.get_user(user_id)


@router.patch(
    "/{user_id}",
    name="update",
    summary="Disable, enable or change the role of a user",
    responses=problem_responses(404, 409, 422),
)
async def update_user(user_id: str, body: UserUpdate, admin: AdminPrincipal, auth: AuthDep) -> User:
    """Administrators cannot disable or demote themselves (409)."""
    return await auth.update_user(admin, user_id, disabled=body.disabled, role=body.role)
