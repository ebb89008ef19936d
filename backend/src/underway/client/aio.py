"""The asyncio client: :class:`AsyncClient`, the same methods as :class:`~underway.client.Client`, awaited."""

from __future__ import annotations

import asyncio
import builtins
import os
import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypeVar, Unpack

import httpx
from websockets.asyncio.client import connect

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


class AsyncClient(ClientBase):
    """The asyncio Underway API client; see :class:`~underway.client.Client` for the options.

    Use ``async with AsyncClient(...) as client:``, or ``await client.aclose()``.
    """

    def __init__(
        self,
        base_url: str | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        **options: Unpack[ClientOptions],
    ) -> None:
        super().__init__(base_url, options)
        self._http = httpx.AsyncClient(transport=transport, **self.config.httpx_options())

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    # -- transport ----------------------------------------------------------------------------------

    async def _send(self, call: Call[T]) -> T:
        attempt = 0
        while True:
            try:
                return call.result(await self._request(call))
            except UnderwayAPIError as exc:
                delay = self.config.retry.delay(call, attempt, exc)
                if delay is None:
                    raise
            await asyncio.sleep(delay)
            attempt += 1

    async def _request(self, call: Call[Any]) -> httpx.Response:
        try:
            return await self._http.request(**call.request_args(), headers=self.config.request_headers(call))
        except httpx.TransportError as exc:
            raise connection_failed(exc, call) from exc

    # -- account ------------------------------------------------------------------------------------

    async def login(self, username: str, password: str) -> TokenResponse:
        token = await self._send(ep.login(username, password))
        self.token = token.access_token
        return token

    async def me(self) -> User:
        return await self._send(ep.me())

    async def create_api_key(self, name: str, *, expires_at: datetime | None = None) -> NewApiKey:
        return await self._send(ep.create_api_key(name, expires_at))

    async def api_keys(self, *, include_revoked: bool = False) -> list[ApiKey]:
        return await self._send(ep.api_keys(include_revoked))

    async def revoke_api_key(self, key_id: str) -> None:
        await self._send(ep.revoke_api_key(key_id))

    # -- workflows ----------------------------------------------------------------------------------

    async def workflows(self) -> list[WorkflowInfo]:
        return await self._send(ep.workflows())

    async def workflow(self, name: str) -> WorkflowInfo:
        return await self._send(ep.workflow(name))

    # -- operations ---------------------------------------------------------------------------------

    async def submit(
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
        op = await self._send(call)
        return await self.wait(op.id, timeout=timeout) if wait else op

    async def get(self, operation_id: str) -> Operation:
        return await self._send(ep.get(operation_id))

    async def list(self, *, cursor: str | None = None, **filters: Unpack[OperationFilters]) -> OperationPage:
        """One page of your operations, newest first; pass ``next_cursor`` back as ``cursor`` for the next."""
        return await self._send(ep.list_operations(cursor=cursor, **filters))

    async def iter_operations(
        self, *, all_users: bool = False, owner: str | None = None, **filters: Unpack[OperationFilters]
    ) -> AsyncIterator[Operation]:
        cursor: str | None = None
        while True:
            page = await self._send(
                ep.list_operations(cursor=cursor, all_users=all_users, owner=owner, **filters)
            )
            for op in page.items:
                yield op
            if page.next_cursor is None:
                return
            cursor = page.next_cursor

    async def cancel(self, operation_id: str) -> Operation:
        return await self._send(ep.cancel(operation_id))

    async def events(
        self, operation_id: str, after_seq: int = 0, *, limit: int | None = None
    ) -> builtins.list[OperationEvent]:
        return await self._send(ep.events(operation_id, after_seq, limit))

    async def download(self, operation_id: str, name: str, dest: str | os.PathLike[str] = ".") -> Path:
        call = ep.artifact(operation_id, name)
        target = download_target(Path(dest), name)
        try:
            async with self._http.stream(
                **call.request_args(), headers=self.config.request_headers(call)
            ) as resp:
                if resp.is_error:
                    await resp.aread()
                    call.result(resp)
                with AtomicFile(target) as out:
                    async for chunk in resp.aiter_bytes(_CHUNK):
                        out.write(chunk)
        except httpx.TransportError as exc:
            raise connection_failed(exc, call) from exc
        return target

    async def stats(self) -> Stats:
        return await self._send(ep.stats())

    # -- live ------------------------------------------------------------------------------------------

    async def stream(self, operation_id: str, after_seq: int = 0) -> AsyncIterator[OperationEvent]:
        cursor = self._cursor(operation_id, after_seq)
        while not cursor.done:
            try:
                async with connect(cursor.url, open_timeout=self.config.timeout) as ws:
                    await ws.send(auth_message(self.token))
                    while not cursor.done:
                        event = cursor.receive(await ws.recv())
                        if event is not None:
                            yield event
                    return
            except Exception as exc:
                how = disconnect_of(exc)
            await asyncio.sleep(cursor.disconnected(how))

    async def wait(self, operation_id: str, *, timeout: float | None = None) -> Operation:
        try:
            async with asyncio.timeout(timeout):
                async for _ in self.stream(operation_id):
                    pass
        except TimeoutError:
            raise WaitTimeout(f"operation {operation_id} did not finish in time") from None
        return await self.get(operation_id)

    # -- webhooks and triggers (docs/webhooks.md) ------------------------------------------------

    async def create_webhook_endpoint(
        self, url: str, *, event_types: Sequence[str] | None = None, description: str = ""
    ) -> NewWebhookEndpoint:
        """Register an endpoint; its secret is in the answer only."""
        return await self._send(wi.create_endpoint(url, event_types, description))

    async def webhook_endpoints(self, *, all_users: bool = False) -> builtins.list[WebhookEndpoint]:
        return await self._send(wi.endpoints(all_users))

    async def update_webhook_endpoint(self, endpoint_id: str, **changes: Any) -> WebhookEndpoint:
        """Change url, description, event_types or enabled."""
        return await self._send(wi.update_endpoint(endpoint_id, changes))

    async def delete_webhook_endpoint(self, endpoint_id: str) -> None:
        return await self._send(wi.delete_endpoint(endpoint_id))

    async def rotate_webhook_secret(self, endpoint_id: str, *, overlap_s: float | None = None) -> NewSecret:
        return await self._send(wi.rotate_endpoint_secret(endpoint_id, overlap_s))

    async def test_webhook_endpoint(self, endpoint_id: str) -> WebhookDeliveryDetail:
        return await self._send(wi.send_test(endpoint_id))

    async def replay_webhook_endpoint(self, endpoint_id: str) -> Replayed:
        return await self._send(wi.replay_endpoint(endpoint_id))

    async def webhook_deliveries(
        self,
        *,
        endpoint_id: str | None = None,
        operation_id: str | None = None,
        status: DeliveryStatus | str | None = None,
        limit: int | None = None,
    ) -> builtins.list[WebhookDelivery]:
        return await self._send(wi.deliveries(endpoint_id, operation_id, status, limit))

    async def webhook_delivery(self, delivery_id: str) -> WebhookDeliveryDetail:
        return await self._send(wi.delivery(delivery_id))

    async def resend_webhook_delivery(self, delivery_id: str) -> WebhookDeliveryDetail:
        return await self._send(wi.resend(delivery_id))

    async def rotate_signing_secret(self) -> NewSecret:
        """Your default secret, which signs callback_url deliveries."""
        return await self._send(wi.rotate_signing_secret())

    async def create_trigger(
        self,
        name: str,
        workflow: str,
        *,
        scheme: TriggerScheme | str = TriggerScheme.STANDARD_WEBHOOKS,
        fixed_params: dict[str, Any] | None = None,
        params_mapping: dict[str, str] | None = None,
    ) -> NewTrigger:
        return await self._send(wi.create_trigger(name, workflow, scheme, fixed_params, params_mapping))

    async def triggers(self, *, all_users: bool = False) -> builtins.list[Trigger]:
        return await self._send(wi.triggers(all_users))

    async def update_trigger(self, trigger_id: str, **changes: Any) -> Trigger:
        return await self._send(wi.update_trigger(trigger_id, changes))

    async def delete_trigger(self, trigger_id: str) -> None:
        return await self._send(wi.delete_trigger(trigger_id))

    async def rotate_trigger_secret(self, trigger_id: str) -> NewSecret:
        return await self._send(wi.rotate_trigger_secret(trigger_id))

    async def trigger_deliveries(self, trigger_id: str) -> builtins.list[TriggerDelivery]:
        return await self._send(wi.trigger_deliveries(trigger_id))

    # -- administration ---------------------------------------------------------------------------------

    async def admin_operations(
        self, *, owner: str | None = None, cursor: str | None = None, **filters: Unpack[OperationFilters]
    ) -> OperationPage:
        return await self._send(ep.list_operations(cursor=cursor, owner=owner, all_users=True, **filters))

    async def admin_queue(self) -> QueueSnapshot:
        return await self._send(ep.admin_queue())

    async def admin_stream(self) -> AsyncIterator[OperationEvent]:
        """Every operation's status, stage and progress events, live (administrators); raises
        :class:`~underway.client.errors.StreamError` when the connection ends (see ``Client.admin_stream``)."""
        try:
            async with connect(
                self.config.ws_url + ADMIN_STREAM_PATH, open_timeout=self.config.timeout
            ) as ws:
                await ws.send(auth_message(self.token))
                while True:
                    event = admin_event(await ws.recv())
                    if event is not None:
                        yield event
        except Exception as exc:
            raise admin_stream_ended(disconnect_of(exc)) from exc

    async def admin_user(self, user_id: str) -> User:
        return await self._send(ep.admin_user(user_id))

    async def admin_users(
        self, *, limit: int | None = None, offset: int | None = None
    ) -> builtins.list[User]:
        return await self._send(ep.admin_users(limit, offset))

    async def create_user(self, username: str, password: str, *, role: Role | str = Role.USER) -> User:
        return await self._send(ep.create_user(username, password, role))

    async def update_user(
        self, user_id: str, *, disabled: bool | None = None, role: Role | str | None = None
    ) -> User:
        return await self._send(ep.update_user(user_id, disabled=disabled, role=role))
