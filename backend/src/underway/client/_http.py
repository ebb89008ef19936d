"""What the sync and async clients share: configuration, requests as data, problem parsing, retries.

Every endpoint is described once, as a :class:`Call` (method, path, body, how to parse the answer,
whether it is safe to repeat); :class:`~underway.client.sync.Client` and
:class:`~underway.client.aio.AsyncClient` only differ in how they send it and how they sleep.
"""

from __future__ import annotations

import os
import random
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO, Generic, TypedDict, TypeVar

import httpx
from pydantic import BaseModel, TypeAdapter

from underway import __version__
from underway.client.errors import Busy, ConnectionFailed, UnderwayAPIError, error_for_response
from underway.client.streams import StreamCursor

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

API_PREFIX = "/api/v1"
ENV_URL = "UNDERWAY_URL"
ENV_TOKEN = "UNDERWAY_TOKEN"  # noqa: S105 (a variable name)
USER_AGENT = f"underway-sdk/{__version__}"

Parse = Callable[[httpx.Response], T]
QueryValue = str | int | float | bool | None | list[str]


@dataclass(frozen=True, kw_only=True)
class Call(Generic[T]):
    """One API request and how to read its answer.

    ``idempotent``: sending it twice has the effect of sending it once, so a connection error after
    it may have been sent can be retried (GET, DELETE, cancel, a submit with an idempotency key).
    """

    method: str
    path: str
    parse: Parse[T]
    params: Mapping[str, QueryValue] | None = None
    json: Any = None
    data: Mapping[str, str] | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    idempotent: bool = False

    def request_args(self) -> dict[str, Any]:
        params = {k: v for k, v in (self.params or {}).items() if v is not None}
        return {
            "method": self.method,
            "url": self.path,
            "params": params,
            "json": self.json,
            "data": self.data,
        }

    def result(self, response: httpx.Response) -> T:
        """The parsed answer, or the typed error for a problem response."""
        if response.is_error:
            raise error_for_response(response)
        return self.parse(response)


def parse_model(model: type[M]) -> Parse[M]:
    return lambda response: model.model_validate_json(response.content)


def parse_list(model: type[M]) -> Parse[list[M]]:
    adapter: TypeAdapter[list[M]] = TypeAdapter(list[model])  # type: ignore[valid-type]
    return lambda response: adapter.validate_json(response.content)


def parse_nothing(response: httpx.Response) -> None:
    return None


def connection_failed(exc: httpx.TransportError, call: Call[Any]) -> ConnectionFailed:
    # Nothing reached the server when the connection could not even be opened: always safe to retry.
    return ConnectionFailed(
        f"{call.method} {call.path}: {describe(exc)}",
        request_sent=not isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout),
    )


@dataclass(frozen=True)
class RetryPolicy:
    """When to send a call again and after how long.

    Connection failures are retried when the call is idempotent or was never sent, after an
    exponential backoff with jitter (doubling from ``backoff``, at most ``max_backoff``). Busy
    answers (429, and 503 for a full queue) are retried only with ``retry_busy``, after the
    server's ``Retry-After`` or the backoff, whichever is longer (so many clients told the same
    ``Retry-After`` do not all come back at the same instant), at most ``max_retry_after``.
    At most ``max_retries`` retries.
    """

    max_retries: int = 3
    retry_busy: bool = False
    backoff: float = 0.25
    max_backoff: float = 8.0
    max_retry_after: float = 120.0

    def backoff_delay(self, attempt: int) -> float:
        base: float = min(self.max_backoff, self.backoff * 2**attempt)
        return base * (0.5 + random.random() / 2)  # noqa: S311 (jitter, not security)

    def delay(self, call: Call[Any], attempt: int, error: UnderwayAPIError) -> float | None:
        """Seconds to wait before retry number ``attempt + 1``, or None to give up and raise."""
        if attempt >= self.max_retries:
            return None
        if isinstance(error, ConnectionFailed):
            retryable = call.idempotent or not error.request_sent
            return self.backoff_delay(attempt) if retryable else None
        if isinstance(error, Busy) and self.retry_busy:
            return min(max(error.retry_after or 0.0, self.backoff_delay(attempt)), self.max_retry_after)
        return None


class ClientOptions(TypedDict, total=False):
    """Keyword options of both clients.

    ``token``/``api_key``: the credential (default ``UNDERWAY_TOKEN``); ``timeout``: seconds per
    HTTP request (default 30); ``retry_busy``: retry busy answers (429, a full queue) after
    ``Retry-After`` or the backoff, whichever is longer;
    ``max_retries``: retries per request (default 3); ``max_reconnects``: failed stream
    reconnections in a row before giving up (default 5).
    """

    token: str | None
    api_key: str | None
    timeout: float
    retry_busy: bool
    max_retries: int
    max_reconnects: int


@dataclass
class ClientConfig:
    """Where the server is and who we are. ``token`` is an access token or an API key (``uwk_...``)."""

    base_url: str
    token: str | None = None
    timeout: float = 30.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    max_reconnects: int = 5
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def resolve(
        cls,
        base_url: str | None,
        *,
        token: str | None = None,
        api_key: str | None = None,
        timeout: float = 30.0,
        retry_busy: bool = False,
        max_retries: int = 3,
        max_reconnects: int = 5,
    ) -> ClientConfig:
        url = base_url or os.environ.get(ENV_URL)
        if not url:
            raise ValueError(f"no server URL: pass base_url or set {ENV_URL}")
        return cls(
            base_url=url,
            token=token or api_key or os.environ.get(ENV_TOKEN) or None,
            timeout=timeout,
            retry=RetryPolicy(max_retries=max_retries, retry_busy=retry_busy),
            max_reconnects=max_reconnects,
        )

    @property
    def api_url(self) -> str:
        """``http://host:port/api/v1``, whether the base URL was given with the prefix or without."""
        url = self.base_url.rstrip("/")
        return url if url.endswith(API_PREFIX) else url + API_PREFIX

    @property
    def ws_url(self) -> str:
        url = self.api_url
        return (
            "wss" + url.removeprefix("https") if url.startswith("https") else "ws" + url.removeprefix("http")
        )

    def request_headers(self, call: Call[Any]) -> dict[str, str]:
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json", **self.headers, **call.headers}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def httpx_options(self) -> dict[str, Any]:
        return {"base_url": self.api_url, "timeout": self.timeout, "follow_redirects": False}


def describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def download_target(dest: Path, name: str) -> Path:
    """``dest`` itself, or ``dest/name`` when ``dest`` is a directory (never a path out of it)."""
    return dest / Path(name).name if dest.is_dir() else dest


class AtomicFile:
    """Write to a temporary file beside ``target``; renamed into place only when complete, so an
    interrupted download never leaves a truncated file under the real name."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self._tmp: Path | None = None
        self._file: BinaryIO | None = None

    def __enter__(self) -> BinaryIO:
        self.target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.target.name}.", suffix=".part", dir=self.target.parent)
        self._tmp = Path(tmp)
        self._file = os.fdopen(fd, "wb")
        return self._file

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._file is not None
        assert self._tmp is not None
        self._file.close()
        if exc_type is None:
            self._tmp.replace(self.target)
        else:
            self._tmp.unlink(missing_ok=True)


class ClientBase:
    """Configuration and credentials, the same for both clients."""

    def __init__(self, base_url: str | None, options: ClientOptions) -> None:
        self.config = ClientConfig.resolve(base_url, **options)

    @property
    def token(self) -> str | None:
        """The credential sent (set by :meth:`login`); assignable."""
        return self.config.token

    @token.setter
    def token(self, value: str | None) -> None:
        self.config.token = value

    def _cursor(self, operation_id: str, after_seq: int) -> StreamCursor:
        return StreamCursor(
            self.config.ws_url, operation_id, after_seq=after_seq, max_reconnects=self.config.max_reconnects
        )
