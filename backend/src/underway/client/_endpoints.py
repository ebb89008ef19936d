"""Every endpoint of the API as a :class:`~underway.client._http.Call`, written once for both clients."""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from datetime import datetime
from typing import Any, TypedDict
from urllib.parse import quote

from underway.auth.models import ApiKey, NewApiKey, Role, TokenResponse, User
from underway.client._http import Call, QueryValue, parse_list, parse_model, parse_nothing
from underway.operations.models import (
    Operation,
    OperationEvent,
    OperationPage,
    Priority,
    QueueSnapshot,
    Stats,
)
from underway.operations.status import OperationStatus
from underway.workflows.definition import WorkflowInfo

IDEMPOTENCY_HEADER = "Idempotency-Key"


def _seg(value: str) -> str:
    return quote(value, safe="")


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _statuses(status: OperationStatus | str | Iterable[OperationStatus | str] | None) -> list[str] | None:
    if status is None:
        return None
    if isinstance(status, str):  # an OperationStatus is a str too
        return [str(status)]
    return [str(s) for s in status]


StatusFilter = OperationStatus | str | Iterable[OperationStatus | str] | None


class OperationFilters(TypedDict, total=False):
    """Filters of the operation listings: ``status`` (one or several), ``workflow``,
    ``created_after`` (inclusive), ``created_before`` (exclusive), and ``limit`` (page size, <= 200)."""

    status: StatusFilter
    workflow: str | None
    created_after: datetime | None
    created_before: datetime | None
    limit: int | None


# -- auth and account -------------------------------------------------------------------------------


def login(username: str, password: str) -> Call[TokenResponse]:
    return Call(
        method="POST",
        path="/auth/token",
        data={"username": username, "password": password},
        parse=parse_model(TokenResponse),
    )


def me() -> Call[User]:
    return Call(method="GET", path="/users/me", parse=parse_model(User), idempotent=True)


def create_api_key(name: str, expires_at: datetime | None) -> Call[NewApiKey]:
    body = {"name": name, "expires_at": _when(expires_at)}
    return Call(method="POST", path="/api-keys", json=body, parse=parse_model(NewApiKey))


def api_keys(include_revoked: bool) -> Call[list[ApiKey]]:
    params: dict[str, QueryValue] = {"include_revoked": "true" if include_revoked else None}
    return Call(method="GET", path="/api-keys", params=params, parse=parse_list(ApiKey), idempotent=True)


def revoke_api_key(key_id: str) -> Call[None]:
    return Call(method="DELETE", path=f"/api-keys/{_seg(key_id)}", parse=parse_nothing, idempotent=True)


# -- workflows ----------------------------------------------------------------------------------------


def workflows() -> Call[list[WorkflowInfo]]:
    return Call(method="GET", path="/workflows", parse=parse_list(WorkflowInfo), idempotent=True)


def workflow(name: str) -> Call[WorkflowInfo]:
    return Call(
        method="GET", path=f"/workflows/{_seg(name)}", parse=parse_model(WorkflowInfo), idempotent=True
    )


# -- operations ---------------------------------------------------------------------------------------


def submit(
    workflow: str,
    params: dict[str, Any] | None,
    *,
    priority: Priority | str,
    timeout_s: float | None,
    metadata: dict[str, Any] | None,
    idempotency_key: str,
    callback_url: str | None = None,
) -> Call[Operation]:
    """Safe to repeat: the server answers a repeated key with the operation it already created."""
    body: dict[str, Any] = {"workflow": workflow, "params": params or {}, "priority": str(priority)}
    if timeout_s is not None:
        body["timeout_s"] = timeout_s
    if metadata is not None:
        body["metadata"] = metadata
    if callback_url is not None:
        body["callback_url"] = callback_url
    return Call(
        method="POST",
        path="/operations",
        json=body,
        headers={IDEMPOTENCY_HEADER: idempotency_key},
        parse=parse_model(Operation),
        idempotent=True,
    )


def list_operations(
    *,
    status: StatusFilter = None,
    workflow: str | None = None,
    created_after: datetime | None = None,
    created_before: datetime | None = None,
    cursor: str | None = None,
    limit: int | None = None,
    owner: str | None = None,
    all_users: bool = False,
) -> Call[OperationPage]:
    """The caller's operations, newest first; with ``all_users`` (or ``owner``) the admin listing."""
    params: dict[str, QueryValue] = {
        "status": _statuses(status),
        "workflow": workflow,
        "created_after": _when(created_after),
        "created_before": _when(created_before),
        "cursor": cursor,
        "limit": limit,
    }
    path = "/operations"
    if all_users or owner is not None:
        path, params["owner"] = "/admin/operations", owner
    return Call(method="GET", path=path, params=params, parse=parse_model(OperationPage), idempotent=True)


def get(operation_id: str) -> Call[Operation]:
    return Call(
        method="GET", path=f"/operations/{_seg(operation_id)}", parse=parse_model(Operation), idempotent=True
    )


def cancel(operation_id: str) -> Call[Operation]:
    return Call(
        method="POST",
        path=f"/operations/{_seg(operation_id)}/cancel",
        parse=parse_model(Operation),
        idempotent=True,  # cancelling twice is cancelling once (a finished operation gives 409 either way)
    )


def events(operation_id: str, after_seq: int, limit: int | None) -> Call[builtins.list[OperationEvent]]:
    return Call(
        method="GET",
        path=f"/operations/{_seg(operation_id)}/events",
        params={"after_seq": after_seq, "limit": limit},
        parse=parse_list(OperationEvent),
        idempotent=True,
    )


def artifact(operation_id: str, name: str) -> Call[None]:
    """Only the request: the body is streamed to a file by the client."""
    return Call(
        method="GET",
        path=f"/operations/{_seg(operation_id)}/artifacts/{_seg(name)}",
        headers={"Accept": "*/*"},
        parse=parse_nothing,
        idempotent=True,
    )


def stats() -> Call[Stats]:
    return Call(method="GET", path="/stats", parse=parse_model(Stats), idempotent=True)


# -- administration -------------------------------------------------------------------------------------


def admin_queue() -> Call[QueueSnapshot]:
    return Call(method="GET", path="/admin/queue", parse=parse_model(QueueSnapshot), idempotent=True)


def admin_user(user_id: str) -> Call[User]:
    return Call(method="GET", path=f"/admin/users/{_seg(user_id)}", parse=parse_model(User), idempotent=True)


def admin_users(limit: int | None, offset: int | None) -> Call[builtins.list[User]]:
    params: dict[str, QueryValue] = {"limit": limit, "offset": offset}
    return Call(method="GET", path="/admin/users", params=params, parse=parse_list(User), idempotent=True)


def create_user(username: str, password: str, role: Role | str) -> Call[User]:
    body = {"username": username, "password": password, "role": str(role)}
    return Call(method="POST", path="/admin/users", json=body, parse=parse_model(User))


def update_user(user_id: str, *, disabled: bool | None, role: Role | str | None) -> Call[User]:
    body: dict[str, Any] = {}
    if disabled is not None:
        body["disabled"] = disabled
    if role is not None:
        body["role"] = str(role)
    return Call(
        method="PATCH",
        path=f"/admin/users/{_seg(user_id)}",
        json=body,
        parse=parse_model(User),
        idempotent=True,
    )
