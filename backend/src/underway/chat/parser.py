"""Chat commands: ``/run WORKFLOW key=value ...``, ``/status``, ``/cancel``, ``/list``, ``/help``,
``/link CODE``, ``/unlink``, ``/yes``, ``/no``; anything else is free text.

Values follow shell quoting (``title="June report"``); a value that looks like JSON (``[..]``,
``{..}``) is read as JSON; commas make lists where the workflow's field is a list (see params.py).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

COMMANDS = ("run", "status", "cancel", "list", "help", "start", "link", "unlink", "yes", "no")
# Telegram appends the bot's name in groups and menus: /run@underway_bot
_COMMAND = re.compile(r"^/([A-Za-z_]+)(?:@\w+)?(?:\s+(.*))?$", re.DOTALL)
_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_YES = {"yes", "y", "ok", "okay", "sure", "run", "run it", "go"}
_NO = {"no", "n", "nope", "stop", "don't", "dont"}


class ParseError(ValueError):
    """A command whose arguments cannot be read; the message says how to fix it."""


@dataclass(frozen=True)
class Command:
    name: str  # one of COMMANDS, or "text" for free text, or "unknown"
    args: list[str] = field(default_factory=list)
    params: dict[str, str] = field(default_factory=dict)
    text: str = ""


def parse(text: str) -> Command:
    text = text.strip()
    match = _COMMAND.match(text)
    if match is None:
        lowered = text.lower().rstrip(".!")
        if lowered in _YES:
            return Command("yes", text=text)
        if lowered in _NO:
            return Command("no", text=text)
        return Command("text", text=text)
    name, rest = match.group(1).lower(), (match.group(2) or "").strip()
    if name not in COMMANDS:
        return Command("unknown", args=[name], text=text)
    try:
        words = shlex.split(rest)
    except ValueError as exc:  # an unclosed quote
        raise ParseError(f"I could not read that: {exc}. Close every quote you open.") from None
    if name != "run":
        return Command(name, args=words, text=text)
    if not words:
        raise ParseError("Name a workflow: /run WORKFLOW key=value ... (see /help)")
    return Command(name, args=[words[0]], params=parse_params(words[1:]), text=text)


def parse_params(words: list[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for word in words:
        key, sep, value = word.partition("=")
        if not sep or not _KEY.match(key):
            raise ParseError(
                f"'{word}' is not key=value. Write parameters like month=6 or title=\"June report\"."
            )
        if key in params:
            raise ParseError(f"{key} is given twice. For a list, separate the values with commas: {key}=a,b")
        params[key] = value
    return params
