"""The blocking client: :class:`Client`."""

from __future__ import annotations

import builtins
import os
import time
import uuid
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypeVar, Unpack

import httpx
from websockets.sync.client import connect

from underway.auth.models import ApiKey, NewApiKey, Role, TokenResponse, User
from underway.client import _endpoints as ep
from underway.client import _integrations as wi
from underway.client._endpoints import OperationFilters
from underway.client._http import (
    AtomicFile,
    Call,
    ClientBase,
    ClientOptions,
    connection_failed,
    download_target,
)
from underway.client.errors import UnderwayAPIError, WaitTimeout
from underway.client.streams import (
    ADMIN_STREAM_PATH,
    StreamCursor,
    admin_event,
    admin_stream_ended,
    auth_message,
    disconnect_of,
)
from underway.operations.models import (
    Operation,
    OperationEvent,
    OperationPage,
    Priority,
    QueueSnapshot,
    Stats,
)
from underway.triggers.models import NewTrigger, Trigger, TriggerDelivery, TriggerScheme
from underway.webhooks.models import (
    DeliveryStatus,
    NewSecret,
    NewWebhookEndpoint,
    Replayed,
    WebhookDelivery,
    WebhookDeliveryDetail,
    WebhookEndpoint,
)
from underway.workflows.definition import WorkflowInfo

T = TypeVar("T")
_CHUNK = 64 * 1024


class Client(ClientBase):
    """A blocking Underway API client.

    ``base_url`` is the server (``http://host:8000``; ``/api/v1`` is added) and ``token`` an access
    token or API key, defaulting to ``UNDERWAY_URL`` and ``UNDERWAY_TOKEN``. With ``retry_busy``,
    busy answers (429, a full queue) are retried after their ``Retry-After`` or the backoff,
    whichever is longer (at most ``max_retries`` times); connection failures are always retried
    when it is safe. Use it as a context manager, or :meth:`close` it.
    """

    def __init__(
        self,
        base_url: str | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        **options: Unpack[ClientOptions],
    ) -> None:
        super().__init__(base_url, options)
        self._http = httpx.Client(transport=transport, **self.config.httpx_options())

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- transport ----------------------------------------------------------------------------------

    def _send(self, call: Call[T]) -> T:
        attempt = 0
        while True:
            try:
                return call.result(self._request(call))
            except UnderwayAPIError as exc:
                delay = self.config.retry.delay(call, attempt, exc)
                if delay is None:
                    raise
            time.sleep(delay)
            attempt += 1

    def _request(self, call: Call[Any]) -> httpx.Response:
        try:
            return self._http.request(**call.request_args(), headers=self.config.request_headers(call))
        except httpx.TransportError as exc:
            raise connection_failed(exc, call) from exc

    # -- account ------------------------------------------------------------------------------------

    def login(self, username: str, password: str) -> TokenResponse:
        """Sign in with a password; the client then uses the access token it got."""
        token = self._send(ep.login(username, password))
        self.token = token.access_token
        return token

    def me(self) -> User:
        return self._send(ep.me())

    def create_api_key(self, name: str, *, expires_at: datetime | None = None) -> NewApiKey:
        """Create an API key (needs a password sign-in). ``.key`` is shown only in this answer."""
        return self._send(ep.create_api_key(name, expires_at))

    def api_keys(self, *, include_revoked: bool = False) -> list[ApiKey]:
        return self._send(ep.api_keys(include_revoked))

    def revoke_api_key(self, key_id: str) -> None:
        self._send(ep.revoke_api_key(key_id))

    # -- workflows ----------------------------------------------------------------------------------

    def workflows(self) -> list[WorkflowInfo]:
        return self._send(ep.workflows())

    def workflow(self, name: str) -> WorkflowInfo:
        return self._send(ep.workflow(name))

    # -- operations ---------------------------------------------------------------------------------

    def submit(
        self,
        workflow: str,
        params: dict[str, Any] | None = None,
        *,
        priority: Priority | str = Priority.NORMAL,
        timeout_s: float | None = None,
        metadata: dict[str, Any] | None = None,
        idempotency_key: str | None = None,
        callback_url: str | None = None,
        wait: bool = False,
        timeout: float | None = None,
    ) -> Operation:
        """Queue an operation (202). Retries reuse one idempotency key, so at most one operation is
        created. With ``wait``, returns the final operation (waiting at most ``timeout`` seconds)."""
        key = idempotency_key or str(uuid.uuid4())
        call = ep.submit(
            workflow,
            params,
            priority=priority,
            timeout_s=timeout_s,
            metadata=metadata,
            idempotency_key=key,
            callback_url=callback_url,
        )
        op = self._send(call)
        return self.wait(op.id, timeout=timeout) if wait else op

    def get(self, operation_id: str) -> Operation:
        return self._send(ep.get(operation_id))

    def list(self, *, cursor: str | None = None, **filters: Unpack[OperationFilters]) -> OperationPage:
        """One page of your operations, newest first; pass ``next_cursor`` back as ``cursor`` for the next."""
        return self._send(ep.list_operations(cursor=cursor, **filters))

    def iter_operations(
        self, *, all_users: bool = False, owner: str | None = None, **filters: Unpack[OperationFilters]
    ) -> Iterator[Operation]:
        """Every operation matching the filters of :meth:`list`, page after page. ``all_users=True``
        or ``owner=`` (administrators) list everyone's."""
        cursor: str | None = None
        while True:
            page = self._send(ep.list_operations(cursor=cursor, all_users=all_users, owner=owner, **filters))
            yield from page.items
            if page.next_cursor is None:
                return
            cursor = page.next_cursor

    def cancel(self, operation_id: str) -> Operation:
        """Ask the operation to stop; 409 (:class:`~underway.client.errors.Conflict`) once finished."""
        return self._send(ep.cancel(operation_id))

    def events(
        self, operation_id: str, after_seq: int = 0, *, limit: int | None = None
    ) -> builtins.list[OperationEvent]:
        """Logged events with ``seq > after_seq``, oldest first."""
        return self._send(ep.events(operation_id, after_seq, limit))

    def download(self, operation_id: str, name: str, dest: str | os.PathLike[str] = ".") -> Path:
        """Stream an artifact to ``dest`` (a directory, or a file path); returns the file written."""
        call = ep.artifact(operation_id, name)
        target = download_target(Path(dest), name)
        try:
            with self._http.stream(**call.request_args(), headers=self.config.request_headers(call)) as resp:
                if resp.is_error:
                    resp.read()
                    call.result(resp)
                with AtomicFile(target) as out:
                    for chunk in resp.iter_bytes(_CHUNK):
                        out.write(chunk)
        except httpx.TransportError as exc:
            raise connection_failed(exc, call) from exc
        return target

    def stats(self) -> Stats:
        return self._send(ep.stats())

    # -- live ------------------------------------------------------------------------------------------

    def stream(self, operation_id: str, after_seq: int = 0) -> Iterator[OperationEvent]:
        """The operation's events with ``seq > after_seq``, live, ending with the terminal event.
        Reconnects (resuming at the last ``seq``) when the connection drops."""
        return self._stream(self._cursor(operation_id, after_seq), None)

    def _stream(self, cursor: StreamCursor, deadline: float | None) -> Iterator[OperationEvent]:
        while not cursor.done:
            try:
                with connect(cursor.url, open_timeout=_left(deadline, self.config.timeout)) as ws:
                    ws.send(auth_message(self.token))
                    while not cursor.done:
                        event = cursor.receive(ws.recv(timeout=_left(deadline, None)))
                        if event is not None:
                            yield event
                    return
            except Exception as exc:
                if deadline is not None and time.monotonic() >= deadline:
                    raise WaitTimeout(f"operation {cursor.operation_id} did not finish in time") from None
                how = disconnect_of(exc)
            time.sleep(cursor.disconnected(how))

    def wait(self, operation_id: str, *, timeout: float | None = None) -> Operation:
        """Follow the operation live until it finishes; returns it. Raises
        :class:`~underway.client.errors.WaitTimeout` after ``timeout`` seconds (it keeps running)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        for _ in self._stream(self._cursor(operation_id, 0), deadline):
            pass
        return self.get(operation_id)

    # -- webhooks and triggers (docs/webhooks.md) ------------------------------------------------

    def create_webhook_endpoint(
        self, url: str, *, event_types: Sequence[str] | None = None, description: str = ""
    ) -> NewWebhookEndpoint:
        """Register an endpoint; its secret is in the answer only."""
        return self._send(wi.create_endpoint(url, event_types, description))

    def webhook_endpoints(self, *, all_users: bool = False) -> builtins.list[WebhookEndpoint]:
        return self._send(wi.endpoints(all_users))

    def update_webhook_endpoint(self, endpoint_id: str, **changes: Any) -> WebhookEndpoint:
        """Change url, description, event_types or enabled."""
        return self._send(wi.update_endpoint(endpoint_id, changes))

    def delete_webhook_endpoint(self, endpoint_id: str) -> None:
        return self._send(wi.delete_endpoint(endpoint_id))

    def rotate_webhook_secret(self, endpoint_id: str, *, overlap_s: float | None = None) -> NewSecret:
        return self._send(wi.rotate_endpoint_secret(endpoint_id, overlap_s))

    def test_webhook_endpoint(self, endpoint_id: str) -> WebhookDeliveryDetail:
        return self._send(wi.send_test(endpoint_id))

    def replay_webhook_endpoint(self, endpoint_id: str) -> Replayed:
        return self._send(wi.replay_endpoint(endpoint_id))

    def webhook_deliveries(
        self,
        *,
        endpoint_id: str | None = None,
        operation_id: str | None = None,
        status: DeliveryStatus | str | None = None,
        limit: int | None = None,
    ) -> builtins.list[WebhookDelivery]:
        return self._send(wi.deliveries(endpoint_id, operation_id, status, limit))

    def webhook_delivery(self, delivery_id: str) -> WebhookDeliveryDetail:
        return self._send(wi.delivery(delivery_id))

    def resend_webhook_delivery(self, delivery_id: str) -> WebhookDeliveryDetail:
        return self._send(wi.resend(delivery_id))

    def rotate_signing_secret(self) -> NewSecret:
        """Your default secret, which signs callback_url deliveries."""
        return self._send(wi.rotate_signing_secret())

    def create_trigger(
        self,
        name: str,
        workflow: str,
        *,
        scheme: TriggerScheme | str = TriggerScheme.STANDARD_WEBHOOKS,
        fixed_params: dict[str, Any] | None = None,
        params_mapping: dict[str, str] | None = None,
    ) -> NewTrigger:
        return self._send(wi.create_trigger(name, workflow, scheme, fixed_params, params_mapping))

    def triggers(self, *, all_users: bool = False) -> builtins.list[Trigger]:
        return self._send(wi.triggers(all_users))

    def update_trigger(self, trigger_id: str, **changes: Any) -> Trigger:
        return self._send(wi.update_trigger(trigger_id, changes))

    def delete_trigger(self, trigger_id: str) -> None:
        return self._send(wi.delete_trigger(trigger_id))

    def rotate_trigger_secret(self, trigger_id: str) -> NewSecret:
        return self._send(wi.rotate_trigger_secret(trigger_id))

    def trigger_deliveries(self, trigger_id: str) -> builtins.list[TriggerDelivery]:
        return self._send(wi.trigger_deliveries(trigger_id))

    # -- administration ---------------------------------------------------------------------------------

    def admin_operations(
        self, *, owner: str | None = None, cursor: str | None = None, **filters: Unpack[OperationFilters]
    ) -> OperationPage:
        """A page of everyone's operations (administrators), optionally one ``owner``'s."""
        return self._send(ep.list_operations(cursor=cursor, owner=owner, all_users=True, **filters))

    def admin_queue(self) -> QueueSnapshot:
        return self._send(ep.admin_queue())

    def admin_stream(self) -> Iterator[OperationEvent]:
        """Status, stage and progress events of every operation, live, for as long as you iterate
        (administrators). It does not replay what happened before, nor resume: when the connection
        ends it raises :class:`~underway.client.errors.StreamError`; reload what you show over REST
        (:meth:`admin_operations`, :meth:`admin_queue`) and open it again."""
        try:
            with connect(self.config.ws_url + ADMIN_STREAM_PATH, open_timeout=self.config.timeout) as ws:
                ws.send(auth_message(self.token))
                while True:
                    event = admin_event(ws.recv())
                    if event is not None:
                        yield event
        except Exception as exc:
            raise admin_stream_ended(disconnect_of(exc)) from exc

    def admin_user(self, user_id: str) -> User:
        return self._send(ep.admin_user(user_id))

    def admin_users(self, *, limit: int | None = None, offset: int | None = None) -> builtins.list[User]:
        return self._send(ep.admin_users(limit, offset))

    def create_user(self, username: str, password: str, *, role: Role | str = Role.USER) -> User:
        return self._send(ep.create_user(username, password, role))

    def update_user(
        self, user_id: str, *, disabled: bool | None = None, role: Role | str | None = None
    ) -> User:
        return self._send(ep.update_user(user_id, disabled=disabled, role=role))


def _left(deadline: float | None, default: float | None) -> float | None:
    if deadline is None:
        return default
    return max(0.0, deadline - time.monotonic())
