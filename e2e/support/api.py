"""Plain HTTP calls to the API (httpx), for setting a scene and for what a script would do.

The browser never uses this: it goes through the web app and its generated client.
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any

import httpx

from support.server import Account, UnderwayServer

API_PREFIX = "/api/v1"


class Api:
    """An authenticated API client (an access token or an API key, both sent as bearer)."""

    def __init__(self, base_url: str, secret: str | None = None) -> None:
        headers = {"Authorization": f"Bearer {secret}"} if secret else {}
        self.http = httpx.Client(base_url=base_url + API_PREFIX, headers=headers, timeout=30.0)

    @classmethod
    def sign_in(cls, base_url: str, account: Account) -> Api:
        with httpx.Client(base_url=base_url + API_PREFIX, timeout=30.0) as http:
            response = http.post(
                "/auth/token", data={"username": account.username, "password": account.password}
            )
        response.raise_for_status()
        return cls(base_url, response.json()["access_token"])

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Api:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- calls ------------------------------------------------------------------------------------

    def submit(self, workflow: str, params: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
        response = self.http.post("/operations", json={"workflow": workflow, "params": params or {}, **extra})
        _raise_for(response, 202)
        body: dict[str, Any] = response.json()
        return body

    def operation(self, operation_id: str) -> dict[str, Any]:
        response = self.http.get(f"/operations/{operation_id}")
        _raise_for(response, 200)
        body: dict[str, Any] = response.json()
        return body

    def create_user(self, account: Account) -> None:
        role = "admin" if account.admin else "user"
        response = self.http.post(
            "/admin/users", json={"username": account.username, "password": account.password, "role": role}
        )
        _raise_for(response, 201)


def _raise_for(response: httpx.Response, expected: int) -> None:
    if response.status_code != expected:
        raise AssertionError(
            f"{response.request.method} {response.request.url.path}: expected {expected}, "
            f"got {response.status_code}: {response.text[:2000]}"
        )


_admin_sessions: dict[str, Api] = {}


def create_account(server: UnderwayServer, *, prefix: str = "user", admin: bool = False) -> Account:
    """A new account with a unique name, created by the server's administrator (POST /admin/users)."""
    account = Account(f"{prefix}-{uuid.uuid4().hex[:10]}", secrets.token_urlsafe(18), admin=admin)
    api = _admin_sessions.get(server.base_url)
    if api is None:
        api = _admin_sessions[server.base_url] = Api.sign_in(server.base_url, server.admin)
    api.create_user(account)
    return account


def forget_sessions(server: UnderwayServer) -> None:
    """Close the cached administrator session of a server that is going away."""
    api = _admin_sessions.pop(server.base_url, None)
    if api is not None:
        api.close()
