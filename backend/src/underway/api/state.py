"""What the API shares across requests, hung on ``app.state.api``.

Settings, metrics and the rate limiter exist from ``create_app``; the runtime and the auth service
from the lifespan's start.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends
from starlette.requests import HTTPConnection

from underway.api.metrics import Metrics
from underway.api.ratelimit import RateLimiter
from underway.auth.service import AuthService
from underway.chat.service import ChatService
from underway.runtime import Runtime
from underway.settings import Settings


@dataclass
class ApiState:
    settings: Settings
    metrics: Metrics
    limiter: RateLimiter
    _runtime: Runtime | None = field(default=None, repr=False)
    _auth: AuthService | None = field(default=None, repr=False)
    _chat: ChatService | None = field(default=None, repr=False)

    def start(self, runtime: Runtime, auth: AuthService, chat: ChatService) -> None:
        self._runtime, self._auth, self._chat = runtime, auth, chat

    def stop(self) -> None:
        self._runtime = self._auth = self._chat = None

    @property
    def runtime(self) -> Runtime:
        if self._runtime is None:
            raise RuntimeError("the API is not started (its lifespan has not run)")
        return self._runtime

    @property
    def auth(self) -> AuthService:
        if self._auth is None:
            raise RuntimeError("the API is not started (its lifespan has not run)")
        return self._auth

    @property
    def chat(self) -> ChatService:
        if self._chat is None:
            raise RuntimeError("the API is not started (its lifespan has not run)")
        return self._chat


def get_api_state(conn: HTTPConnection) -> ApiState:
    """Works for requests and WebSockets alike."""
    state = conn.app.state.api
    assert isinstance(state, ApiState)
    return state


# The dependencies are coroutines, though they never wait: FastAPI runs a plain function dependency
# in its thread pool, a thread hop per dependency per request.


async def api_state(conn: HTTPConnection) -> ApiState:
    return get_api_state(conn)


async def get_runtime(conn: HTTPConnection) -> Runtime:
    return get_api_state(conn).runtime


async def get_auth(conn: HTTPConnection) -> AuthService:
    return get_api_state(conn).auth


async def get_chat(conn: HTTPConnection) -> ChatService:
    return get_api_state(conn).chat


async def get_settings(conn: HTTPConnection) -> Settings:
    return get_api_state(conn).settings


StateDep = Annotated[ApiState, Depends(api_state)]
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
AuthDep = Annotated[AuthService, Depends(get_auth)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
ChatDep = Annotated[ChatService, Depends(get_chat)]
