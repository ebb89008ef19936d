"""Public views of inbound triggers and their deliveries."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import Field

from underway.views import View


class TriggerScheme(StrEnum):
    """How a trigger's caller proves it holds the secret."""

    STANDARD_WEBHOOKS = "standard_webhooks"  # webhook-id/-timestamp/-signature, 5 min tolerance
    GITHUB = "github"  # X-Hub-Signature-256: sha256=HMAC(secret, body); X-GitHub-Delivery as id
    BEARER = "bearer"  # Authorization: Bearer <secret>; Idempotency-Key as delivery id


class Trigger(View):
    id: str = Field(description="Also the last part of its URL, unguessable.")
    owner: str = Field(
        description="Operations it starts belong to this user (and count against their limits)."
    )
    name: str
    workflow: str
    scheme: TriggerScheme
    fixed_params: dict[str, Any] = Field(description="Parameters every operation gets.")
    params_mapping: dict[str, str] | None = Field(
        description="Parameter name to JSON pointer into the delivered JSON (`/issue/title`); null: the "
        "whole delivered object is the parameters. Fixed parameters win over mapped ones."
    )
    enabled: bool
    url: str = Field(description="Where to POST deliveries.")
    created_at: datetime
    updated_at: datetime


class NewTrigger(Trigger):
    secret: str = Field(description="The signing secret (or bearer token). Shown only in this response.")


class TriggerDeliveryOutcome(StrEnum):
    ACCEPTED = "accepted"  # an operation was created
    DUPLICATE = "duplicate"  # a delivery id seen before: its operation is answered again
    REJECTED = "rejected"  # nothing created; status_code and detail say why


class TriggerDelivery(View):
    received_at: datetime
    delivery_id: str | None = Field(description="The sender's delivery id, used against replays.")
    status_code: int
    outcome: TriggerDeliveryOutcome
    detail: str | None
    operation_id: str | None


class TriggerAccepted(View):
    """The answer to a verified delivery (202)."""

    operation_id: str
    status: str = Field(description="The operation's status now.")
    duplicate: bool = Field(
        description="True when this delivery id was seen before (nothing new was created)."
    )
