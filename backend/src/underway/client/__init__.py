"""The Python SDK of the Underway API: :class:`Client` (blocking) and :class:`AsyncClient` (asyncio).

    from underway.client import Client

    with Client("http://localhost:8000", token="uwk_...") as client:
        op = client.submit("demo.sleep", {"seconds": 2}, wait=True)
        print(op.status, op.result)

Responses are the server's own pydantic models (:class:`Operation`, :class:`OperationEvent`...);
errors are the typed exceptions of :mod:`underway.client.errors`. Importing this package loads
neither the server nor a database driver.
"""

from underway.auth.models import ApiKey, NewApiKey, Role, TokenResponse, User
from underway.client._endpoints import OperationFilters
from underway.client._http import ClientOptions
from underway.client.aio import AsyncClient
from underway.client.errors import (
    AuthenticationError,
    BadRequest,
    Busy,
    Conflict,
    ConnectionFailed,
    NotFound,
    PermissionDenied,
    QueueFull,
    RateLimited,
    ServerError,
    ServiceUnavailable,
    StreamError,
    UnderwayAPIError,
    ValidationFailed,
    WaitTimeout,
)
from underway.client.sync import Client
from underway.operations.models import (
    Artifact,
    EventType,
    Operation,
    OperationEvent,
    OperationPage,
    Priority,
    QueueSnapshot,
    Stats,
)
from underway.operations.status import OperationStatus
from underway.problems import FieldProblem, Problem, ProblemType
from underway.workflows.definition import WorkflowInfo

__all__ = [
    "ApiKey",
    "Artifact",
    "AsyncClient",
    "AuthenticationError",
    "BadRequest",
    "Busy",
    "Client",
    "ClientOptions",
    "Conflict",
    "ConnectionFailed",
    "EventType",
    "FieldProblem",
    "NewApiKey",
    "NotFound",
    "Operation",
    "OperationEvent",
    "OperationFilters",
    "OperationPage",
    "OperationStatus",
    "PermissionDenied",
    "Priority",
    "Problem",
    "ProblemType",
    "QueueFull",
    "QueueSnapshot",
    "RateLimited",
    "Role",
    "ServerError",
    "ServiceUnavailable",
    "Stats",
    "StreamError",
    "TokenResponse",
    "UnderwayAPIError",
    "User",
    "ValidationFailed",
    "WaitTimeout",
    "WorkflowInfo",
]
