"""Public views of users, API keys and the authenticated principal."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import Field

from underway.views import View

USERNAME_PATTERN = r"^[a-z0-9_.-]{3,64}$"
USERNAME_RE = re.compile(USERNAME_PATTERN)
PASSWORD_MIN_LENGTH = 8
# Argon2 cost barely depends on length, but an upper bound keeps a request from shipping megabytes
# of "password" through the hasher.
PASSWORD_MAX_LENGTH = 1024


class Role(StrEnum):
    USER = "user"
    ADMIN = "admin"


class User(View):
    id: str
    username: str = Field(description="Also the owner name of this user's operations.")
    role: Role
    disabled: bool
    created_at: datetime


class ApiKey(View):
    """An API key as listed: the secret itself is never stored, only shown once at creation."""

    id: str
    name: str
    prefix: str = Field(description="The key's first characters, to recognise it.")
    created_at: datetime
    expires_at: datetime | None = None
    last_used_at: datetime | None = Field(None, description="Updated at most once a minute.")
    revoked_at: datetime | None = None


class NewApiKey(ApiKey):
    key: str = Field(description="The secret key. Shown only in this response: store it now.")


class TokenResponse(View):
    """The answer of ``POST /auth/token`` (OAuth2): a bearer access token and its lifetime in seconds."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 (the OAuth2 token type)
    expires_in: int


@dataclass(frozen=True)
class Principal:
    """Who a request acts for. ``username`` is the owner of operations everywhere."""

    user_id: str
    username: str
    role: Role
    via: Literal["jwt", "api_key"]
    api_key_id: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN
