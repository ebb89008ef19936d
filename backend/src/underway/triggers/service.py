"""Triggers: named, unguessable URLs that start a workflow when a verified delivery arrives.

A delivery is verified (see schemes.py), mapped to the workflow's parameters (mapping.py) and
submitted as an operation owned by the trigger's owner, within the owner's limits. The sender's
delivery id becomes the operation's idempotency key, so a replayed or retried delivery, even
50 at once, answers with the one operation the first created. Every delivery to an existing
trigger, accepted or not, goes to the trigger's recent-deliveries log.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from underway.operations import errors as core
from underway.operations.service import OperationService
from underway.triggers.errors import (
    InvalidTrigger,
    TriggerDisabled,
    TriggerNotFound,
    TriggerRefusal,
    Unmappable,
)
from underway.triggers.mapping import build_params, check_definition
from underway.triggers.models import (
    NewTrigger,
    Trigger,
    TriggerAccepted,
    TriggerDelivery,
    TriggerDeliveryOutcome,
    TriggerScheme,
)
from underway.triggers.repository import TriggerRepository
from underway.triggers.schemes import new_trigger_secret, verify_delivery
from underway.webhooks.secret_box import SecretBox
from underway.workflows.registry import WorkflowRegistry

# How a core refusal of the submission is answered (and logged).
_SUBMIT_STATUS: dict[type[Exception], int] = {
    core.InvalidParams: 422,
    core.InvalidSubmission: 422,
    core.WorkflowNotFound: 422,
    core.IdempotencyConflict: 409,
    core.UserQuotaExceeded: 429,
    core.QueueFull: 503,
}
HOOKS_PATH = "/api/v1/hooks/"

# Checks the owner's submission rate limit; raises Throttled when spent.
Admit = Callable[[str], Awaitable[None]]


def _now() -> datetime:
    return datetime.now(UTC)


class TriggerService:
    def __init__(
        self,
        repo: TriggerRepository,
        box: SecretBox,
        registry: WorkflowRegistry,
        operations: OperationService,
        public_url: str,
    ) -> None:
        self._repo = repo
        self._box = box
        self._registry = registry
        self._operations = operations
        self._public_url = public_url

    # -- management ------------------------------------------------------------------------------

    async def create(
        self,
        owner: str,
        *,
        name: str,
        workflow: str,
        scheme: TriggerScheme = TriggerScheme.STANDARD_WEBHOOKS,
        fixed_params: dict[str, Any] | None = None,
        params_mapping: dict[str, str] | None = None,
        enabled: bool = True,
    ) -> NewTrigger:
        fixed = fixed_params or {}
        self._check(workflow, fixed, params_mapping)
        secret = new_trigger_secret(scheme)
        now = _now()
        values = {
            "id": "trg_" + secrets.token_urlsafe(24),
            "owner": owner,
            "name": name,
            "workflow": workflow,
            "scheme": scheme.value,
            "secret": self._box.seal(secret),
            "fixed_params": fixed,
            "params_mapping": params_mapping,
            "enabled": enabled,
            "created_at": now,
            "updated_at": now,
        }
        await self._repo.insert(values)
        return NewTrigger(**self._view(values).model_dump(), secret=secret)

    async def all(self, owner: str | None) -> list[Trigger]:
        return [self._view(row) for row in await self._repo.rows(owner)]

    async def get(self, trigger_id: str, owner: str | None) -> Trigger:
        return self._view(await self._row(trigger_id, owner))

    async def update(self, trigger_id: str, owner: str | None, changes: dict[str, Any]) -> Trigger:
        """``changes``: any of name, enabled, fixed_params, params_mapping (null: the whole body)."""
        row = await self._row(trigger_id, owner)
        merged = {**row, **changes}
        self._check(merged["workflow"], merged["fixed_params"], merged["params_mapping"])
        await self._repo.update(trigger_id, {**changes, "updated_at": _now()})
        return await self.get(trigger_id, owner)

    async def delete(self, trigger_id: str, owner: str | None) -> None:
        await self._row(trigger_id, owner)
        await self._repo.delete(trigger_id)

    async def rotate_secret(self, trigger_id: str, owner: str | None) -> str:
        """A new secret, effective at once (the old one stops working)."""
        row = await self._row(trigger_id, owner)
        secret = new_trigger_secret(TriggerScheme(row["scheme"]))
        await self._repo.update(trigger_id, {"secret": self._box.seal(secret), "updated_at": _now()})
        return secret

    async def deliveries(self, trigger_id: str, owner: str | None, limit: int = 100) -> list[TriggerDelivery]:
        await self._row(trigger_id, owner)
        return await self._repo.deliveries(trigger_id, limit)

    def url(self, trigger_id: str) -> str:
        return f"{self._public_url}{HOOKS_PATH}{trigger_id}"

    def _check(self, workflow: str, fixed: dict[str, Any], mapping: dict[str, str] | None) -> None:
        try:
            wf = self._registry.get(workflow)
        except core.WorkflowNotFound as exc:
            raise InvalidTrigger("workflow", str(exc)) from None
        check_definition(wf.params_model, fixed, mapping)

    async def _row(self, trigger_id: str, owner: str | None) -> dict[str, Any]:
        row = await self._repo.row(trigger_id, owner)
        if row is None:
            raise TriggerNotFound(trigger_id)
        return row

    def _view(self, row: Mapping[str, Any]) -> Trigger:
        return Trigger(
            id=row["id"],
            owner=row["owner"],
            name=row["name"],
            workflow=row["workflow"],
            scheme=TriggerScheme(row["scheme"]),
            fixed_params=row["fixed_params"],
            params_mapping=row["params_mapping"],
            enabled=row["enabled"],
            url=self.url(row["id"]),
            created_at=row["created_at"],
            updated_at=row["updated_at"],
        )

    # -- deliveries ------------------------------------------------------------------------------

    async def receive(
        self, trigger_id: str, body: bytes, headers: Mapping[str, str], admit: Admit
    ) -> TriggerAccepted:
        """Start the trigger's workflow for a verified delivery. ``headers`` with lower-case names.

        Raises a TriggerRefusal, or the submission's own error (invalid params, limits, a delivery
        id reused with another body); each is logged with the status it is answered with."""
        row = await self._repo.row(trigger_id)
        if row is None:
            raise TriggerNotFound(trigger_id)
        received_at = _now()
        delivery_id: str | None = None
        try:
            if not row["enabled"]:
                raise TriggerDisabled(trigger_id)
            delivery_id = verify_delivery(
                TriggerScheme(row["scheme"]), self._box.open(row["secret"]), body, headers
            )
            params = build_params(_json(body), row["fixed_params"], row["params_mapping"])
            await admit(row["owner"])
            operation, created = await self._operations.submit_tracked(
                workflow=row["workflow"],
                params=params,
                owner=row["owner"],
                metadata={"trigger": {"id": trigger_id, "delivery_id": delivery_id}},
                idempotency_key=f"trigger:{trigger_id}:{delivery_id}" if delivery_id else None,
            )
        except Exception as exc:
            status = exc.status if isinstance(exc, TriggerRefusal) else _SUBMIT_STATUS.get(type(exc))
            if status is not None:
                await self._log(
                    row["id"], received_at, delivery_id, status, TriggerDeliveryOutcome.REJECTED, str(exc)
                )
            raise
        outcome = TriggerDeliveryOutcome.ACCEPTED if created else TriggerDeliveryOutcome.DUPLICATE
        await self._log(row["id"], received_at, delivery_id, 202, outcome, None, operation.id)
        return TriggerAccepted(
            operation_id=operation.id, status=operation.status.value, duplicate=not created
        )

    async def _log(
        self,
        trigger_id: str,
        received_at: datetime,
        delivery_id: str | None,
        status: int,
        outcome: TriggerDeliveryOutcome,
        detail: str | None,
        operation_id: str | None = None,
    ) -> None:
        await self._repo.log(
            {
                "trigger_id": trigger_id,
                "received_at": received_at,
                "delivery_id": delivery_id,
                "status_code": status,
                "outcome": outcome.value,
                "detail": detail,
                "operation_id": operation_id,
            }
        )


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise Unmappable("the body is not JSON") from None
