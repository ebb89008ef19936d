"""``underway api-keys``: create, list and revoke your API keys on a server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer
from rich.table import Table

from underway.cli.remote.common import JsonOption, ServerOption, console, err_console, remote
from underway.cli.render import print_json

api_keys_app = typer.Typer(
    name="api-keys",
    help="Your API keys on a server: for scripts and CI (UNDERWAY_TOKEN=uwk_...).",
    no_args_is_help=True,
)


@api_keys_app.command("create")
def create(
    name: Annotated[str, typer.Argument(help="What the key is for, e.g. 'nightly-ci'.", show_default=False)],
    expires_in_days: Annotated[
        float | None,
        typer.Option("--expires-in-days", min=0, help="Expire after this many days (default: never)."),
    ] = None,
    server: ServerOption = None,
    as_json: JsonOption = False,
) -> None:
    """Create an API key (printed once: store it now).

    Needs a password login (`underway login`): an API key cannot create API keys.
    """
    expires_at = datetime.now(UTC) + timedelta(days=expires_in_days) if expires_in_days is not None else None
    with remote(server) as client:
        key = client.create_api_key(name, expires_at=expires_at)
    if as_json:
        print_json(console, key.model_dump(mode="json"))
        return
    err_console.print(f"Created API key [bold]{key.name}[/] ({key.id}). It is shown only now:")
    console.print(key.key, markup=False, highlight=False)


@api_keys_app.command("list")
def list_keys(
    include_revoked: Annotated[
        bool, typer.Option("--include-revoked", help="Show revoked keys too.")
    ] = False,
    server: ServerOption = None,
    as_json: JsonOption = False,
) -> None:
    """List your API keys (never the secrets: only their first characters)."""
    with remote(server) as client:
        keys = client.api_keys(include_revoked=include_revoked)
    if as_json:
        print_json(console, [k.model_dump(mode="json") for k in keys])
        return
    table = Table(title="API keys")
    for column in ("ID", "Name", "Prefix", "Created", "Expires", "Last used", "Revoked"):
        table.add_column(column)
    for k in keys:
        table.add_row(
            k.id,
            k.name,
            k.prefix,
            _when(k.created_at),
            _when(k.expires_at),
            _when(k.last_used_at),
            _when(k.revoked_at),
        )
    console.print(table)


@api_keys_app.command("revoke")
def revoke(
    key_id: Annotated[
        str, typer.Argument(help="The key's id (see `underway api-keys list`).", show_default=False)
    ],
    server: ServerOption = None,
    as_json: JsonOption = False,
) -> None:
    """Revoke an API key; it stops working at once."""
    with remote(server) as client:
        client.revoke_api_key(key_id)
    if as_json:
        print_json(console, {"id": key_id, "revoked": True})
    else:
        console.print(f"Revoked API key {key_id}", highlight=False)


def _when(value: datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value is not None else "-"
