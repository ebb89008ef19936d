"""``underway login`` / ``logout``: sign in to a server and keep its access token (see cli/config.py)."""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer

from underway.cli import config
from underway.cli.exit_codes import ExitCode
from underway.cli.remote.common import JsonOption, ServerOption, api_errors, console, err_console, fail
from underway.cli.render import print_json
from underway.client import AuthenticationError, Client


def login(
    server: ServerOption = None,
    username: Annotated[
        str | None, typer.Option("--username", "-u", help="Prompted for when not given.")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input (for scripts).")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Sign in to a server; later commands use it until `underway logout`."""
    url = server or os.environ.get(config.URL_ENV) or config.load().current
    if not url:
        fail("Which server? Pass --server URL (e.g. http://localhost:8000).", ExitCode.USAGE)
    target = config.Target(url=config.normalise_url(url), token=None)
    if username is None:
        username = typer.prompt("Username", err=True)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, err=True)
    with Client(target.url) as client, api_errors(target):
        try:
            token = client.login(username, password)
        except AuthenticationError as exc:
            fail(f"Sign-in failed: {exc}", ExitCode.AUTH)
        user = client.me()
    expires_at = datetime.now(UTC) + timedelta(seconds=token.expires_in)
    path = config.remember(
        target.url,
        config.ServerLogin(username=user.username, token=token.access_token, expires_at=expires_at),
    )
    if as_json:
        print_json(
            console,
            {
                "server": target.url,
                "username": user.username,
                "role": user.role.value,
                "expires_at": expires_at.isoformat(),
            },
        )
        return
    err_console.print(
        f"Signed in to {target.url} as {user.username} (token valid until {expires_at:%Y-%m-%d %H:%M} UTC, kept in {path}).",
        highlight=False,
    )


def logout(server: ServerOption = None, as_json: JsonOption = False) -> None:
    """Forget the stored token of a server (default: the current one).

    --json prints `{"server": ..., "signed_out": ...}` (false when there was no login to forget).
    """
    url = config.normalise_url(server) if server else config.load().current
    forgotten = config.forget(url)
    if as_json:
        print_json(console, {"server": url, "signed_out": forgotten is not None})
    elif forgotten is None:
        err_console.print("Not signed in" + (f" to {url}" if url else "") + ".", highlight=False)
    else:
        err_console.print(f"Signed out of {forgotten}.", highlight=False)
