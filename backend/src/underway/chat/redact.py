"""Secrets never reach the logs: httpx logs every request's URL at INFO, and a Telegram Bot API URL
carries the bot token (``/bot<token>/sendMessage``)."""

from __future__ import annotations

import logging
import re

_BOT_TOKEN = re.compile(r"/bot[0-9]+:[A-Za-z0-9_-]+")


class RedactBotTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_clean(a) for a in record.args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def _clean(value: object) -> object:
    # Only arguments that carry a token are replaced (by text); numbers stay numbers for %d.
    text = str(value)
    return redact(text) if _BOT_TOKEN.search(text) else value


def redact(text: str) -> str:
    return _BOT_TOKEN.sub("/bot<redacted>", text)


_installed = RedactBotTokens()


def install() -> None:
    """Idempotent: add the filter to the loggers that print request URLs."""
    for name in ("httpx", "httpcore"):
        logger = logging.getLogger(name)
        if _installed not in logger.filters:
            logger.addFilter(_installed)
