"""Small presentation helpers shared by the renderers."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal


def money(amount: Decimal) -> str:
    """``1234567.5`` -> ``"1,234,567.50"`` (Decimal formatting: no float on the way)."""
    return f"{amount:,.2f}"


def whole_units(amount: Decimal) -> int:
    """Round to whole currency units for charts: chart libraries plot with floats internally, so
    they get integers, and the exact figures stay in the tables next to them."""
    return int(amount.to_integral_value(rounding=ROUND_HALF_EVEN))


def category_label(name: str) -> str:
    return name.replace("_", " ").capitalize()
