"""``underway chat``: set up the chat bots (docs/chat.md).

``telegram set-webhook [URL]`` registers the webhook with Telegram, with the secret token Telegram
then sends on every delivery (``UNDERWAY_TELEGRAM_WEBHOOK_SECRET``); the URL defaults to
``UNDERWAY_PUBLIC_URL`` + ``/api/v1/chat/telegram``. ``webhook-info`` shows what Telegram has,
``delete-webhook`` removes it. The bot token is read from the settings and never printed."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console

from underway.cli.exit_codes import ExitCode
from underway.settings import Settings

if TYPE_CHECKING:
    from underway.chat.telegram.client import TelegramClient

chat_app = typer.Typer(name="chat", help="Set up the chat bots (Telegram, WhatsApp).", no_args_is_help=True)
telegram_app = typer.Typer(name="telegram", help="The Telegram bot's webhook.", no_args_is_help=True)
chat_app.add_typer(telegram_app, name="telegram")
console = Console()
err_console = Console(stderr=True)

WEBHOOK_PATH = "/api/v1/chat/telegram"
T = TypeVar("T")


def _call(settings: Settings, action: Callable[[TelegramClient], Awaitable[T]]) -> T:
    from underway.chat.telegram.client import TelegramClient, TelegramError

    if settings.telegram_bot_token is None:
        err_console.print("[red]Set UNDERWAY_TELEGRAM_BOT_TOKEN (from @BotFather) first.[/]")
        raise typer.Exit(ExitCode.USAGE)

    async def run() -> T:
        assert settings.telegram_bot_token is not None
        client = TelegramClient(
            settings.telegram_bot_token.get_secret_value(), settings.telegram_api_base_url
        )
        try:
            return await action(client)
        finally:
            await client.aclose()

    try:
        return asyncio.run(run())
    except TelegramError as exc:
        err_console.print(f"[red]{exc}[/]")
        code = ExitCode.AUTH if exc.code in (401, 403, 404) else ExitCode.UNREACHABLE
        raise typer.Exit(code) from None


@telegram_app.command("set-webhook")
def set_webhook(
    url: Annotated[
        str | None,
        typer.Argument(
            help="Public HTTPS address of the webhook (default: UNDERWAY_PUBLIC_URL + " + WEBHOOK_PATH + ")."
        ),
    ] = None,
    drop_pending: Annotated[
        bool, typer.Option("--drop-pending", help="Discard updates Telegram holds for the bot.")
    ] = False,
) -> None:
    """Point Telegram at this server's webhook, with the secret token it must send back."""
    settings = Settings()
    target = url or (settings.public_url.rstrip("/") + WEBHOOK_PATH if settings.public_url else None)
    if target is None:
        err_console.print("[red]Give the webhook URL, or set UNDERWAY_PUBLIC_URL.[/]")
        raise typer.Exit(ExitCode.USAGE)
    secret = settings.telegram_webhook_secret
    assert secret is not None  # the settings refuse a bot token without it
    _call(
        settings,
        lambda c: c.set_webhook(target, secret.get_secret_value(), drop_pending_updates=drop_pending),
    )
    console.print(f"Telegram now delivers updates to {target}")


@telegram_app.command("webhook-info")
def webhook_info() -> None:
    """What Telegram knows of the webhook: URL, pending updates, last error."""
    info: dict[str, Any] = _call(Settings(), lambda c: c.webhook_info())
    console.print(f"URL: {info.get('url') or '(none)'}")
    console.print(f"Pending updates: {info.get('pending_update_count', 0)}")
    if info.get("last_error_message"):
        console.print(f"Last error: {info['last_error_message']}")


@telegram_app.command("delete-webhook")
def delete_webhook() -> None:
    """Stop Telegram's deliveries to the webhook."""
    _call(Settings(), lambda c: c.delete_webhook())
    console.print("Telegram no longer delivers updates to a webhook")
