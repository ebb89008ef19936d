"""``underway chat telegram set-webhook`` against a fake Bot API server."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from tests.chat.conftest import BOT_TOKEN, WEBHOOK_SECRET
from tests.chat.fakes import FakeTelegram, serving
from underway.cli.app import app


def test_set_webhook_registers_the_url_with_the_secret(tmp_path: Path) -> None:
    fake = FakeTelegram(BOT_TOKEN)
    with serving(fake.app()) as url:
        env = {
            "UNDERWAY_DATA_DIR": str(tmp_path),
            "UNDERWAY_TELEGRAM_BOT_TOKEN": BOT_TOKEN,
            "UNDERWAY_TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "UNDERWAY_TELEGRAM_API_BASE_URL": url,
            "UNDERWAY_PUBLIC_URL": "https://underway.example.com/",
        }
        done = CliRunner().invoke(app, ["chat", "telegram", "set-webhook", "--drop-pending"], env=env)
        info = CliRunner().invoke(app, ["chat", "telegram", "webhook-info"], env=env)
        wrong = CliRunner().invoke(
            app, ["chat", "telegram", "delete-webhook"], env={**env, "UNDERWAY_TELEGRAM_BOT_TOKEN": "1:wrong"}
        )
    assert done.exit_code == 0, done.output
    assert "https://underway.example.com/api/v1/chat/telegram" in done.stdout
    [call] = fake.named("setWebhook")
    assert call.body == {
        "url": "https://underway.example.com/api/v1/chat/telegram",
        "secret_token": WEBHOOK_SECRET,
        "allowed_updates": ["message", "callback_query"],
        "drop_pending_updates": True,
    }
    assert info.exit_code == 0 and "Pending updates: 0" in info.stdout
    assert wrong.exit_code == 3 and "Unauthorized" in wrong.output
    assert BOT_TOKEN not in done.output + info.output + wrong.output
