"""``underway webhooks`` and ``underway triggers``: integrations on a server (docs/webhooks.md)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any

import typer
from pydantic import BaseModel
from rich.table import Table

from underway.cli.remote.common import JsonOption, ServerOption, console, err_console, remote
from underway.cli.render import print_json

webhooks_app = typer.Typer(
    name="webhooks", help="Webhook endpoints and their deliveries.", no_args_is_help=True
)
triggers_app = typer.Typer(
    name="triggers", help="Inbound triggers that start workflows.", no_args_is_help=True
)

Id = Annotated[str, typer.Argument(help="The id (see the list command).", show_default=False)]
AllUsers = Annotated[bool, typer.Option("--all", help="Administrators: everyone's.")]


def _when(value: datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M:%S}" if value is not None else "-"


def _table(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*("-" if v is None else str(v) for v in row))
    console.print(table)


def _show(items: BaseModel | Sequence[BaseModel], as_json: bool) -> bool:
    """Print as JSON when asked; True when done."""
    if as_json:
        data = (
            items.model_dump(mode="json")
            if isinstance(items, BaseModel)
            else [i.model_dump(mode="json") for i in items]
        )
        print_json(console, data)
    return as_json


def _secret(label: str, secret: str) -> None:
    err_console.print(f"{label}. The secret is shown only now:")
    console.print(secret, markup=False, highlight=False)


# -- webhook endpoints ---------------------------------------------------------------------------


@webhooks_app.command("create")
def create_endpoint(
    url: Annotated[str, typer.Argument(help="Where to POST events (public http(s)).", show_default=False)],
    event: Annotated[
        list[str] | None,
        typer.Option("--event", help="An event type to send (repeat); default: terminal ones."),
    ] = None,
    description: Annotated[str, typer.Option(help="What it is for.")] = "",
    server: ServerOption = None,
    as_json: JsonOption = False,
) -> None:
    """Register a webhook endpoint (its signing secret is printed once)."""
    with remote(server) as client:
        endpoint = client.create_webhook_endpoint(url, event_types=event, description=description)
    if not _show(endpoint, as_json):
        _secret(f"Created endpoint {endpoint.id} for {endpoint.url}", endpoint.secret)


@webhooks_app.command("list")
def list_endpoints(
    all_users: AllUsers = False, server: ServerOption = None, as_json: JsonOption = False
) -> None:
    """Your webhook endpoints."""
    with remote(server) as client:
        endpoints = client.webhook_endpoints(all_users=all_users)
    if not _show(endpoints, as_json):
        _table(
            "Webhook endpoints",
            ("ID", "Owner", "URL", "Events", "Enabled", "Disabled because"),
            [
                (e.id, e.owner, e.url, ", ".join(e.event_types), e.enabled, e.disabled_reason)
                for e in endpoints
            ],
        )


@webhooks_app.command("enable")
def enable(
    endpoint_id: Id,
    off: Annotated[bool, typer.Option("--off", help="Disable instead.")] = False,
    server: ServerOption = None,
    as_json: JsonOption = False,
) -> None:
    """Enable (or with --off disable) an endpoint."""
    with remote(server) as client:
        endpoint = client.update_webhook_endpoint(endpoint_id, enabled=not off)
    if not _show(endpoint, as_json):
        console.print(f"{endpoint.id} is {'enabled' if endpoint.enabled else 'disabled'}", highlight=False)


@webhooks_app.command("delete")
def delete_endpoint(endpoint_id: Id, server: ServerOption = None) -> None:
    """Delete an endpoint and its delivery log."""
    with remote(server) as client:
        client.delete_webhook_endpoint(endpoint_id)
    console.print(f"Deleted {endpoint_id}", highlight=False)


@webhooks_app.command("rotate-secret")
def rotate_endpoint_secret(
    endpoint_id: Id,
    overlap_s: Annotated[
        float | None, typer.Option(help="The old secret keeps signing this long (s).")
    ] = None,
    server: ServerOption = None,
) -> None:
    """A new signing secret (printed once); the old one overlaps (default 24 h)."""
    with remote(server) as client:
        _secret(
            f"Rotated the secret of {endpoint_id}",
            client.rotate_webhook_secret(endpoint_id, overlap_s=overlap_s).secret,
        )


@webhooks_app.command("test")
def send_test(endpoint_id: Id, server: ServerOption = None, as_json: JsonOption = False) -> None:
    """Send a webhook.test event now."""
    with remote(server) as client:
        delivery = client.test_webhook_endpoint(endpoint_id)
    if not _show(delivery, as_json):
        console.print(f"Test delivery {delivery.id} queued", highlight=False)


@webhooks_app.command("replay")
def replay(endpoint_id: Id, server: ServerOption = None) -> None:
    """Resend every failed delivery of an endpoint."""
    with remote(server) as client:
        console.print(
            f"{client.replay_webhook_endpoint(endpoint_id).resent} deliveries queued again", highlight=False
        )


@webhooks_app.command("deliveries")
def deliveries(
    endpoint: Annotated[str | None, typer.Option("--endpoint", help="Only this endpoint's.")] = None,
    operation: Annotated[str | None, typer.Option("--operation", help="Only this operation's.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=500)] = 50,
    server: ServerOption = None,
    as_json: JsonOption = False,
) -> None:
    """The delivery log, newest first."""
    with remote(server) as client:
        found = client.webhook_deliveries(endpoint_id=endpoint, operation_id=operation, limit=limit)
    if not _show(found, as_json):
        _table(
            "Webhook deliveries",
            ("ID", "Event", "Status", "Attempts", "Last code", "Last error", "Created"),
            [
                (
                    d.id,
                    d.event_type,
                    d.status,
                    d.attempts,
                    d.last_status_code,
                    d.last_error,
                    _when(d.created_at),
                )
                for d in found
            ],
        )


@webhooks_app.command("delivery")
def delivery(delivery_id: Id, server: ServerOption = None, as_json: JsonOption = False) -> None:
    """One delivery and every attempt."""
    with remote(server) as client:
        d = client.webhook_delivery(delivery_id)
    if not _show(d, as_json):
        console.print(f"{d.id} {d.event_type} to {d.url}: {d.status}", highlight=False)
        _table(
            "Attempts",
            ("At", "Code", "Latency (ms)", "Error", "Answer"),
            [
                (_when(a.attempted_at), a.status_code, a.latency_ms, a.error, a.response_body)
                for a in d.attempt_log
            ],
        )


@webhooks_app.command("resend")
def resend(delivery_id: Id, server: ServerOption = None) -> None:
    """One more attempt now, with the same webhook-id."""
    with remote(server) as client:
        d = client.resend_webhook_delivery(delivery_id)
    console.print(f"{d.id} queued again", highlight=False)


@webhooks_app.command("signing-secret")
def signing_secret(server: ServerOption = None) -> None:
    """Make (or replace) your default secret, which signs callback_url deliveries."""
    with remote(server) as client:
        _secret("Your default signing secret", client.rotate_signing_secret().secret)


# -- triggers ------------------------------------------------------------------------------------


@triggers_app.command("create")
def create_trigger(
    name: Annotated[str, typer.Argument(help="What it is for.", show_default=False)],
    workflow: Annotated[str, typer.Argument(help="The workflow it starts.", show_default=False)],
    scheme: Annotated[str, typer.Option(help="standard_webhooks, github or bearer.")] = "standard_webhooks",
    fixed: Annotated[str, typer.Option("--fixed", help="Fixed parameters, a JSON object.")] = "{}",
    mapping: Annotated[
        str | None,
        typer.Option("--map", help='Parameter to JSON pointer, a JSON object: {"steps": "/count"}.'),
    ] = None,
    server: ServerOption = None,
    as_json: JsonOption = False,
) -> None:
    """Create a trigger (its secret is printed once)."""
    try:
        fixed_params = json.loads(fixed)
        params_mapping = json.loads(mapping) if mapping is not None else None
    except ValueError as exc:
        raise typer.BadParameter(f"not JSON: {exc}") from None
    with remote(server) as client:
        trigger = client.create_trigger(
            name, workflow, scheme=scheme, fixed_params=fixed_params, params_mapping=params_mapping
        )
    if not _show(trigger, as_json):
        err_console.print(f"Created trigger {trigger.name}: POST {trigger.url}")
        _secret(f"Scheme {trigger.scheme}", trigger.secret)


@triggers_app.command("list")
def list_triggers(
    all_users: AllUsers = False, server: ServerOption = None, as_json: JsonOption = False
) -> None:
    """Your triggers."""
    with remote(server) as client:
        found = client.triggers(all_users=all_users)
    if not _show(found, as_json):
        _table(
            "Triggers",
            ("ID", "Owner", "Name", "Workflow", "Scheme", "Enabled", "URL"),
            [(t.id, t.owner, t.name, t.workflow, t.scheme, t.enabled, t.url) for t in found],
        )


@triggers_app.command("deliveries")
def trigger_deliveries(trigger_id: Id, server: ServerOption = None, as_json: JsonOption = False) -> None:
    """A trigger's recent deliveries, accepted and refused."""
    with remote(server) as client:
        found = client.trigger_deliveries(trigger_id)
    if not _show(found, as_json):
        _table(
            "Trigger deliveries",
            ("Received", "Delivery id", "Status", "Outcome", "Operation", "Detail"),
            [
                (_when(d.received_at), d.delivery_id, d.status_code, d.outcome, d.operation_id, d.detail)
                for d in found
            ],
        )


@triggers_app.command("rotate-secret")
def rotate_trigger_secret(trigger_id: Id, server: ServerOption = None) -> None:
    """A new secret, effective at once."""
    with remote(server) as client:
        _secret(f"Rotated the secret of {trigger_id}", client.rotate_trigger_secret(trigger_id).secret)


@triggers_app.command("delete")
def delete_trigger(trigger_id: Id, server: ServerOption = None) -> None:
    """Delete a trigger; its URL stops working."""
    with remote(server) as client:
        client.delete_trigger(trigger_id)
    console.print(f"Deleted {trigger_id}", highlight=False)
