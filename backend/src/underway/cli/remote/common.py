"""What the remote commands share: options, the client for the configured server, errors -> exit codes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from underway.cli import config
from underway.cli.exit_codes import ExitCode
from underway.cli.render import print_field_errors
from underway.client import Client
from underway.client.errors import (
    AuthenticationError,
    BadRequest,
    Busy,
    Conflict,
    ConnectionFailed,
    NotFound,
    PermissionDenied,
    ServiceUnavailable,
    StreamError,
    UnderwayAPIError,
    ValidationFailed,
)
from underway.operations.errors import FieldError

console = Console()
# Progress, notes and errors go to stderr so that stdout stays clean for --json.
err_console = Console(stderr=True, soft_wrap=True)

ServerOption = Annotated[
    str | None,
    typer.Option(
        "--server",
        help="Server URL, e.g. http://localhost:8000 (default: UNDERWAY_URL, else the last `underway login`).",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]

NO_SERVER = "No server configured: pass --server URL, set UNDERWAY_URL, or run `underway login --server URL`."


def fail(message: str, code: ExitCode) -> NoReturn:
    err_console.print(message, markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def target_or_exit(server: str | None) -> config.Target:
    target = config.resolve(server)
    if target is None:
        fail(NO_SERVER, ExitCode.USAGE)
    return target


def client_for(target: config.Target) -> Client:
    return Client(target.url, token=target.token)


@contextmanager
def remote(server: str | None) -> Iterator[Client]:
    """A client for the configured server; API errors become a message on stderr and an exit code."""
    with connected(target_or_exit(server)) as client:
        yield client


@contextmanager
def connected(target: config.Target) -> Iterator[Client]:
    with client_for(target) as client, api_errors(target):
        yield client


@contextmanager
def api_errors(target: config.Target) -> Iterator[None]:
    try:
        yield
    except UnderwayAPIError as exc:
        fail_for(exc, target)
    except KeyboardInterrupt:
        err_console.print("Interrupted.")
        raise typer.Exit(ExitCode.INTERRUPTED) from None


def exit_code_for(exc: UnderwayAPIError) -> ExitCode:
    if isinstance(exc, AuthenticationError | PermissionDenied):
        return ExitCode.AUTH
    if isinstance(exc, NotFound):
        return ExitCode.NOT_FOUND
    if isinstance(exc, ValidationFailed | BadRequest):
        return ExitCode.USAGE
    if isinstance(exc, Busy):
        return ExitCode.BUSY
    if isinstance(exc, ConnectionFailed | StreamError | ServiceUnavailable):
        return ExitCode.UNREACHABLE
    # Conflict (e.g. cancelling a finished operation), server errors.
    return ExitCode.OPERATION_UNSUCCESSFUL


def fail_for(exc: UnderwayAPIError, target: config.Target) -> NoReturn:
    code = exit_code_for(exc)
    if isinstance(exc, ValidationFailed) and exc.errors:
        print_field_errors(console, [_field_error(e.loc, e.msg, e.type) for e in exc.errors])
        raise typer.Exit(code)
    message = f"Error: {exc}"
    if isinstance(exc, AuthenticationError):
        if target.token is None:
            message = f"Not signed in to {target.url}: run `underway login --server {target.url}`."
        else:
            message = f"{exc} — sign in again: `underway login --server {target.url}`."
    elif isinstance(exc, PermissionDenied):
        message = f"Permission denied: {exc}"
    elif isinstance(exc, Busy):
        message = f"Busy: {exc}{_retry_hint(exc)}"
    elif isinstance(exc, ConnectionFailed):
        message = f"Cannot reach the server at {target.url} (is it running, and is the URL right?): {exc}"
    elif isinstance(exc, StreamError):
        message = f"Lost the live stream from {target.url}: {exc}"
    elif isinstance(exc, ServiceUnavailable):
        message = f"The server at {target.url} is unavailable: {exc}{_retry_hint(exc)}"
    elif isinstance(exc, Conflict):
        message = f"Conflict: {exc}"
    fail(message, code)


def _retry_hint(exc: UnderwayAPIError) -> str:
    return f"; retry in {exc.retry_after:g} s" if exc.retry_after is not None else ""


def _field_error(loc: list[str | int], msg: str, type_: str) -> FieldError:
    # The API reports ["body", "params", "month"]; people know the parameter as "month".
    parts = list(loc)
    if parts[:1] == ["body"]:
        parts = parts[1:]
    if parts[:1] == ["params"] and len(parts) > 1:
        parts = parts[1:]
    return FieldError(loc=tuple(parts), msg=msg, type=type_)
