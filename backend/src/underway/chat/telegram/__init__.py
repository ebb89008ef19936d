"""Telegram in webhook mode: a small httpx client of the Bot API methods we use (docs/chat.md says
why not a bot framework), update parsing, the bot and its in-place progress messages."""
