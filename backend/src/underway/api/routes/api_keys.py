"""/api-keys: the signed-in user's API keys (create, list, revoke)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from underway.api.problems import problem_responses
from underway.api.security import CurrentPrincipal, rate_limit
from underway.api.state import AuthDep
from underway.auth.models import ApiKey, NewApiKey

router = APIRouter(
    prefix="/api-keys",
    tags=["apiKeys"],
    dependencies=[Depends(rate_limit("read"))],
    responses=problem_responses(401, 403, 429),
)


class ApiKeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    # No NUL: PostgreSQL refuses it in text columns, which would be a 500 instead of a 422.
    name: str = Field(min_length=1, max_length=100, pattern=r"^[^\x00]+$", description="What the key is for.")
    expires_at: AwareDatetime | None = Field(None, description="Unset: the key never expires.")


@router.post(
    "",
    name="create",
    summary="Create an API key",
    status_code=201,
    responses=problem_responses(422),
)
async def create(body: ApiKeyCreate, principal: CurrentPrincipal, auth: AuthDep) -> NewApiKey:
    """The response is the only time the key is shown. Needs a password sign-in: API keys cannot
    create API keys."""
    return await auth.create_api_key(principal, body.name, body.expires_at)


@router.get("", name="list", summary="List your API keys")
async def list_keys(
    principal: CurrentPrincipal, auth: AuthDep, include_revoked: bool = False
) -> list[ApiKey]:
    return await auth.list_api_keys(principal, include_revoked=include_revoked)


@router.delete(
    "/{key_id}",
    name="revoke",
    summary="Revoke an API key",
    status_code=204,
    response_class=Response,
    responses=problem_responses(404),
)
async def revoke(key_id: str, principal: CurrentPrincipal, auth: AuthDep) -> None:
    """Takes effect at once. Another user's key is reported as not found."""
    await auth.revoke_api_key(principal, key_id)
