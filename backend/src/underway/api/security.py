"""Security dependencies: who is calling (bearer JWT or API key), are they admin, rate limits.

Routes declare what they need::

    @router.get("/things")
    async def things(principal: CurrentPrincipal) -> ...
    @router.post("/things", dependencies=[Depends(rate_limit("submit"))])
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import cache
from typing import Annotated, Literal
from urllib.parse import urlsplit

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer, OAuth2PasswordBearer
from starlette.requests import HTTPConnection, Request

from underway.api.errors import NotAuthenticated
from underway.api.state import get_api_state
from underway.auth.errors import PermissionDenied
from underway.auth.models import Principal
from underway.settings import Settings

TOKEN_URL = "/api/v1/auth/token"  # noqa: S105 (a path)

# Two OpenAPI security schemes for the one Authorization header, so the docs offer both a password
# login and pasting an API key. Either is accepted wherever a principal is needed.
_password = OAuth2PasswordBearer(
    tokenUrl=TOKEN_URL,
    scheme_name="password",
    description="Sign in with username and password for a short-lived access token.",
    auto_error=False,
)
_bearer = HTTPBearer(
    scheme_name="apiKey",
    bearerFormat="uwk_...",
    description="An API key (or an access token) as 'Authorization: Bearer <key>'.",
    auto_error=False,
)


async def current_principal(
    request: Request,
    _token: Annotated[str | None, Depends(_password)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The authenticated caller, or 401 problem+json with ``WWW-Authenticate: Bearer``."""
    if credentials is None or not credentials.credentials:
        raise NotAuthenticated
    principal = await get_api_state(request).auth.authenticate_bearer(credentials.credentials)
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


async def require_admin(principal: CurrentPrincipal) -> Principal:
    if not principal.is_admin:
        raise PermissionDenied
    return principal


AdminPrincipal = Annotated[Principal, Depends(require_admin)]


@cache
def rate_limit(policy: Literal["submit", "read"]) -> Callable[..., Awaitable[None]]:
    """A dependency counting the request against ``policy`` for the authenticated user.

    Cached, so ``rate_limit("read")`` is one dependency everywhere and FastAPI runs it once per
    request even when a router and its route both declare it.
    """

    async def limit(request: Request, principal: CurrentPrincipal) -> None:
        await get_api_state(request).limiter.enforce(request, [(policy, principal.username)])

    limit.__name__ = f"rate_limit_{policy}"
    return limit


def websocket_origin_allowed(conn: HTTPConnection, settings: Settings) -> bool:
    """Whether a WebSocket handshake's Origin may connect (cross-site WebSocket hijacking guard).

    Browsers always send Origin on WebSockets and never let pages forge it; non-browser clients
    usually send none and authenticate with a token anyway. Allowed: ``allowed_ws_origins``,
    ``cors_origins``, and the same origin: the Origin's host and port equal the Host header and its
    scheme matches the connection's (``https`` for ``wss``). The connection's scheme is the one
    uvicorn reports, which follows ``X-Forwarded-Proto`` only from trusted proxies
    (``FORWARDED_ALLOW_IPS``), so a client cannot claim TLS it does not have.
    """
    origin = conn.headers.get("origin")
    if origin is None:
        return True
    if origin in settings.allowed_ws_origins or origin in settings.cors_origins:
        return True
    host = conn.headers.get("host", "")
    parts = urlsplit(origin)
    same_scheme = _HTTP_SCHEME_OF.get(conn.url.scheme) == parts.scheme.lower()
    return bool(host) and same_scheme and parts.netloc.lower() == host.lower()


# The page's scheme for each connection scheme (a page on https:// opens wss://).
_HTTP_SCHEME_OF = {"ws": "http", "wss": "https", "http": "http", "https": "https"}
