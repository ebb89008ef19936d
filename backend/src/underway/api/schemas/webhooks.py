"""What clients send to the webhook and trigger routes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field

from underway.api.schemas.operations import NAME_MAX, PRINTABLE_PATTERN
from underway.triggers.models import TriggerScheme
from underway.webhooks.events import SUBSCRIBABLE, TERMINAL_EVENTS, WebhookEventType
from underway.webhooks.keys import DEFAULT_OVERLAP_S

_TEXT = r"^[^\x00]*$"  # PostgreSQL refuses NUL in text: a 422, not a 500
_URL_PATTERN = r"^[^\x00-\x20\x7f]+$"
_URL_ABOUT = "An http(s) URL that resolves to public addresses."
EventTypes = Annotated[
    list[WebhookEventType],
    Field(min_length=1, max_length=len(SUBSCRIBABLE), description=f"Any of: {', '.join(SUBSCRIBABLE)}."),
]


class EndpointCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(max_length=2048, pattern=_URL_PATTERN, description=_URL_ABOUT)
    description: str = Field("", max_length=500, pattern=_TEXT)
    event_types: EventTypes = Field(default_factory=lambda: list(TERMINAL_EVENTS))
    enabled: bool = True


class EndpointUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(None, max_length=2048, pattern=_URL_PATTERN, description=_URL_ABOUT)
    description: str | None = Field(None, max_length=500, pattern=_TEXT)
    event_types: EventTypes | None = None
    enabled: bool | None = Field(None, description="Enabling again clears the disabled reason.")


class SecretRotation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    overlap_s: float = Field(
        DEFAULT_OVERLAP_S,
        ge=0,
        le=7 * 86400,
        description="The old secret keeps signing (beside the new one) for this long.",
    )


JsonPointer = Annotated[str, Field(max_length=500, pattern=r"^(/[^\x00]*)?$")]


class TriggerCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]+$")
    workflow: str = Field(min_length=1, max_length=NAME_MAX)
    scheme: TriggerScheme = TriggerScheme.STANDARD_WEBHOOKS
    fixed_params: dict[str, Any] = Field(default_factory=dict)
    params_mapping: dict[str, JsonPointer] | None = Field(
        None,
        description="Parameter name to JSON pointer into the delivery; null: the delivery is the parameters.",
    )
    enabled: bool = True


class TriggerUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str | None = Field(None, min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]+$")
    fixed_params: dict[str, Any] | None = None
    params_mapping: dict[str, JsonPointer] | None = None
    enabled: bool | None = None


ResourceId = Annotated[str, Path(max_length=NAME_MAX, pattern=PRINTABLE_PATTERN, description="The id.")]
