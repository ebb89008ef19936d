"""POST /auth/token: trade a username and password for an access token (OAuth2 password flow)."""

from __future__ import annotations

import hashlib
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from underway.api.problems import problem_responses
from underway.api.ratelimit import client_ip
from underway.api.state import StateDep

router = APIRouter(prefix="/auth", tags=["auth"])


class TokenResponse(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 (the OAuth2 token type)
    expires_in: int


@router.post(
    "/token",
    name="token",
    summary="Sign in",
    responses=problem_responses(401, 403, 422, 429),
)
async def token(
    request: Request, form: Annotated[OAuth2PasswordRequestForm, Depends()], state: StateDep
) -> TokenResponse:
    """Exchange credentials for a bearer access token. A disabled account gets 403."""
    username = form.username.lower()
    # Per IP against spraying many accounts from one host; per username against one account
    # attacked from many hosts. The username is hashed only to keep odd input out of storage keys.
    user_key = hashlib.sha256(username.encode()).hexdigest()[:32]
    await state.limiter.enforce(request, [("login-ip", client_ip(request)), ("login-user", user_key)])
    user = await state.auth.authenticate_password(username, form.password)
    issued = state.auth.issue_token(user)
    return TokenResponse(access_token=issued.token, expires_in=issued.expires_in)
