"""POST /auth/token: trade a username and password for an access token (OAuth2 password flow)."""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import APIRouter, Form, Request
from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from underway.api.problems import problem_responses
from underway.api.ratelimit import client_ip
from underway.api.state import StateDep
from underway.auth.models import TokenResponse

router = APIRouter(prefix="/auth", tags=["auth"])

_SECRET: JsonDict = {"format": "password"}  # OpenAPI: tools mask these fields


class TokenRequest(BaseModel):
    """The OAuth2 password grant's form (RFC 6749 section 4.3.2); any other field is a 422."""

    # Like every body of the API: an unknown field is refused rather than silently ignored.
    model_config = ConfigDict(extra="forbid")

    grant_type: str | None = Field(None, pattern="^password$")
    username: str
    password: str = Field(json_schema_extra=_SECRET)
    scope: str = ""
    client_id: str | None = None
    client_secret: str | None = Field(None, json_schema_extra=_SECRET)


@router.post(
    "/token",
    name="token",
    summary="Sign in",
    responses=problem_responses(401, 403, 422, 429),
)
async def token(request: Request, form: Annotated[TokenRequest, Form()], state: StateDep) -> TokenResponse:
    """Exchange credentials for a bearer access token. A disabled account gets 403."""
    username = form.username.lower()
    # Per IP against spraying many accounts from one host; per username against one account
    # attacked from many hosts. The username is hashed only to keep odd input out of storage keys.
    user_key = hashlib.sha256(username.encode()).hexdigest()[:32]
    await state.limiter.enforce(request, [("login-ip", client_ip(request)), ("login-user", user_key)])
    user = await state.auth.authenticate_password(username, form.password)
    issued = state.auth.issue_token(user)
    return TokenResponse(access_token=issued.token, expires_in=issued.expires_in)
