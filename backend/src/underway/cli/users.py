"""``underway users``: create and list accounts directly in the database (no server needed).

For the first administrator, or to recover access when nobody can sign in; day-to-day account
management goes through the API (/admin/users).
"""

from __future__ import annotations

import asyncio
import secrets
import sys
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from underway.cli.exit_codes import ExitCode
from underway.settings import Settings

if TYPE_CHECKING:
    from underway.auth.models import User

users_app = typer.Typer(
    name="users", help="Create and list user accounts.", no_args_is_help=True, add_completion=False
)
console = Console()
err_console = Console(stderr=True)

_LIST_PAGE = 500


@users_app.command("create")
def create(
    name: Annotated[str, typer.Argument(help="Username: 3-64 of a-z 0-9 _ . -")],
    admin: Annotated[bool, typer.Option("--admin", help="Make the account an administrator.")] = False,
    password: Annotated[
        str | None,
        typer.Option(
            help="Password (8+ characters). Omitted: asked for on a terminal, else generated and printed."
        ),
    ] = None,
) -> None:
    """Create an account."""
    from underway.auth.errors import InvalidUserInput, UsernameTaken
    from underway.auth.models import Role

    generated = False
    if password is None:
        if sys.stdin.isatty():
            password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        else:
            password, generated = secrets.token_urlsafe(18), True
    role = Role.ADMIN if admin else Role.USER
    try:
        user = asyncio.run(_create(Settings(), name, password, role))
    except (UsernameTaken, InvalidUserInput) as exc:
        err_console.print(f"[red]{exc}[/]")
        raise typer.Exit(ExitCode.USAGE) from None
    console.print(f"Created {user.role.value} '{user.username}'.", highlight=False)
    if generated:
        # Printed once: only a hash is stored.
        console.print(f"Password: {password}", highlight=False)


@users_app.command("list")
def list_users() -> None:
    """List every account."""
    users = asyncio.run(_all_users(Settings()))
    table = Table("username", "role", "disabled", "created")
    for user in users:
        table.add_row(
            user.username,
            user.role.value,
            "yes" if user.disabled else "",
            f"{user.created_at:%Y-%m-%d %H:%M}",
        )
    console.print(table)


async def _create(settings: Settings, name: str, password: str, role: str) -> User:
    from underway.auth.service import create_user
    from underway.cli.database import migrated_engine

    async with migrated_engine(settings) as engine:
        return await create_user(engine, name, password, role)


async def _all_users(settings: Settings) -> list[User]:
    from underway.auth import users
    from underway.cli.database import migrated_engine

    out: list[User] = []
    async with migrated_engine(settings) as engine:
        while page := await users.list_users(engine, limit=_LIST_PAGE, offset=len(out)):
            out.extend(page)
            if len(page) < _LIST_PAGE:
                break
    return out
