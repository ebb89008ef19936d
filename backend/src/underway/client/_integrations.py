"""Webhook endpoints, deliveries and triggers as :class:`~underway.client._http.Call`s (both clients)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from underway.client._http import Call, QueryValue, parse_list, parse_model, parse_nothing
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

_ENDPOINTS = "/webhooks/endpoints"


def _seg(value: str) -> str:
    return quote(value, safe="")


def _scope(all_users: bool) -> dict[str, QueryValue]:
    return {"all": "true" if all_users else None}


def create_endpoint(
    url: str, event_types: Sequence[str] | None, description: str
) -> Call[NewWebhookEndpoint]:
    body: dict[str, Any] = {"url": url, "description": description}
    if event_types is not None:
        body["event_types"] = list(event_types)
    return Call(method="POST", path=_ENDPOINTS, json=body, parse=parse_model(NewWebhookEndpoint))


def endpoints(all_users: bool) -> Call[list[WebhookEndpoint]]:
    return Call(
        method="GET",
        path=_ENDPOINTS,
        params=_scope(all_users),
        parse=parse_list(WebhookEndpoint),
        idempotent=True,
    )


def update_endpoint(endpoint_id: str, changes: dict[str, Any]) -> Call[WebhookEndpoint]:
    return Call(
        method="PATCH",
        path=f"{_ENDPOINTS}/{_seg(endpoint_id)}",
        json=changes,
        parse=parse_model(WebhookEndpoint),
        idempotent=True,
    )


def delete_endpoint(endpoint_id: str) -> Call[None]:
    return Call(
        method="DELETE", path=f"{_ENDPOINTS}/{_seg(endpoint_id)}", parse=parse_nothing, idempotent=True
    )


def rotate_endpoint_secret(endpoint_id: str, overlap_s: float | None) -> Call[NewSecret]:
    body = {"overlap_s": overlap_s} if overlap_s is not None else None
    return Call(
        method="POST",
        path=f"{_ENDPOINTS}/{_seg(endpoint_id)}/rotate-secret",
        json=body,
        parse=parse_model(NewSecret),
    )


def send_test(endpoint_id: str) -> Call[WebhookDeliveryDetail]:
    return Call(
        method="POST", path=f"{_ENDPOINTS}/{_seg(endpoint_id)}/test", parse=parse_model(WebhookDeliveryDetail)
    )


def replay_endpoint(endpoint_id: str) -> Call[Replayed]:
    return Call(method="POST", path=f"{_ENDPOINTS}/{_seg(endpoint_id)}/replay", parse=parse_model(Replayed))


def deliveries(
    endpoint_id: str | None, operation_id: str | None, status: DeliveryStatus | str | None, limit: int | None
) -> Call[list[WebhookDelivery]]:
    params: dict[str, QueryValue] = {
        "endpoint_id": endpoint_id,
        "operation_id": operation_id,
        "status": str(status) if status is not None else None,
        "limit": limit,
    }
    return Call(
        method="GET",
        path="/webhooks/deliveries",
        params=params,
        parse=parse_list(WebhookDelivery),
        idempotent=True,
    )


def delivery(delivery_id: str) -> Call[WebhookDeliveryDetail]:
    return Call(
        method="GET",
        path=f"/webhooks/deliveries/{_seg(delivery_id)}",
        parse=parse_model(WebhookDeliveryDetail),
        idempotent=True,
    )


def resend(delivery_id: str) -> Call[WebhookDeliveryDetail]:
    return Call(
        method="POST",
        path=f"/webhooks/deliveries/{_seg(delivery_id)}/resend",
        parse=parse_model(WebhookDeliveryDetail),
    )


def rotate_signing_secret() -> Call[NewSecret]:
    return Call(method="POST", path="/webhooks/signing-secret/rotate", parse=parse_model(NewSecret))


def create_trigger(
    name: str,
    workflow: str,
    scheme: TriggerScheme | str,
    fixed_params: dict[str, Any] | None,
    params_mapping: dict[str, str] | None,
) -> Call[NewTrigger]:
    body = {
        "name": name,
        "workflow": workflow,
        "scheme": str(scheme),
        "fixed_params": fixed_params or {},
        "params_mapping": params_mapping,
    }
    return Call(method="POST", path="/triggers", json=body, parse=parse_model(NewTrigger))


def triggers(all_users: bool) -> Call[list[Trigger]]:
    return Call(
        method="GET", path="/triggers", params=_scope(all_users), parse=parse_list(Trigger), idempotent=True
    )


def update_trigger(trigger_id: str, changes: dict[str, Any]) -> Call[Trigger]:
    return Call(
        method="PATCH",
        path=f"/triggers/{_seg(trigger_id)}",
        json=changes,
        parse=parse_model(Trigger),
        idempotent=True,
    )


def delete_trigger(trigger_id: str) -> Call[None]:
    return Call(method="DELETE", path=f"/triggers/{_seg(trigger_id)}", parse=parse_nothing, idempotent=True)


def rotate_trigger_secret(trigger_id: str) -> Call[NewSecret]:
    return Call(
        method="POST", path=f"/triggers/{_seg(trigger_id)}/rotate-secret", parse=parse_model(NewSecret)
    )


def trigger_deliveries(trigger_id: str) -> Call[list[TriggerDelivery]]:
    return Call(
        method="GET",
        path=f"/triggers/{_seg(trigger_id)}/deliveries",
        parse=parse_list(TriggerDelivery),
        idempotent=True,
    )
