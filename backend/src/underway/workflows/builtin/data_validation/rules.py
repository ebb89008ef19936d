"""Each rule compiled once into a function ``cell -> failure reason or None``."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from underway.workflows.builtin.data_validation.params import Rule, RuleCheck

CellCheck = Callable[[str], str | None]

_INTEGER = re.compile(r"[+-]?\d+")
# Plain decimal notation only: "1e3", "NaN" and "Infinity" parse as Decimal but are not data.
_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MAX_LISTED = 5


def _required(cell: str) -> str | None:
    return None if cell else "empty"


def _integer(cell: str) -> str | None:
    return None if _INTEGER.fullmatch(cell) else "not an integer"


def _decimal(cell: str) -> str | None:
    return None if _DECIMAL.fullmatch(cell) else "not a decimal number"


def _date(cell: str) -> str | None:
    if not _DATE.fullmatch(cell):
        return "not an ISO date (YYYY-MM-DD)"
    try:
        date.fromisoformat(cell)
    except ValueError:
        return "not a real date"
    return None


def _regex(pattern: str) -> CellCheck:
    compiled = re.compile(pattern)

    def check(cell: str) -> str | None:
        return None if compiled.fullmatch(cell) else f"does not match {pattern}"

    return check


def _one_of(allowed: list[str]) -> CellCheck:
    choices = frozenset(allowed)
    shown = ", ".join(allowed[:_MAX_LISTED]) + (", ..." if len(allowed) > _MAX_LISTED else "")

    def check(cell: str) -> str | None:
        return None if cell in choices else f"not one of: {shown}"

    return check


def _bounded(bound: Decimal, *, minimum: bool) -> CellCheck:
    def check(cell: str) -> str | None:
        if not _DECIMAL.fullmatch(cell):
            return "not a number"
        number = Decimal(cell)
        if minimum and number < bound:
            return f"below the minimum {bound}"
        if not minimum and number > bound:
            return f"above the maximum {bound}"
        return None

    return check


def compile_rule(rule: Rule) -> CellCheck:
    """The cell check of ``rule``. Cells arrive stripped; empty ones only fail ``required``."""
    value = rule.value
    inner: CellCheck
    match rule.check:
        case RuleCheck.REQUIRED:
            return _required
        case RuleCheck.INTEGER:
            inner = _integer
        case RuleCheck.DECIMAL:
            inner = _decimal
        case RuleCheck.DATE:
            inner = _date
        case RuleCheck.REGEX:
            assert isinstance(value, str)  # guaranteed by Rule's validator
            inner = _regex(value)
        case RuleCheck.ONE_OF:
            assert isinstance(value, list)
            inner = _one_of(value)
        case RuleCheck.MIN | RuleCheck.MAX:
            assert isinstance(value, Decimal)
            inner = _bounded(value, minimum=rule.check is RuleCheck.MIN)

    def skip_empty(cell: str) -> str | None:
        return inner(cell) if cell else None

    return skip_empty
