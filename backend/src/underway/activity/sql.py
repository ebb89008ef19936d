"""The two expressions SQLite and PostgreSQL spell differently: a timestamp's hour bucket and the
seconds between two timestamps. Everything else in the activity queries is portable SQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Float, Integer, cast, func
from sqlalchemy.sql.elements import ColumnElement


def bucket_of(dialect: str, ts: ColumnElement[Any], bucket_s: int) -> ColumnElement[int]:
    """The index of the ``bucket_s``-long interval holding ``ts``: whole seconds since the epoch
    divided by ``bucket_s``, so bucket ``b`` starts at ``b * bucket_s`` (UTC)."""
    if dialect == "postgresql":
        return cast(func.floor(func.extract("epoch", ts) / bucket_s), BigInteger)
    # SQLite stores UTC text; strftime('%s') reads it as UTC. Integer division floors (ts >= 1970).
    return cast(func.strftime("%s", ts), Integer) // bucket_s


def seconds_between(dialect: str, start: ColumnElement[Any], end: ColumnElement[Any]) -> ColumnElement[float]:
    if dialect == "postgresql":
        return cast(func.extract("epoch", end - start), Float)
    # julianday() is a float of days: round off its error to the millisecond the text keeps.
    return func.round((func.julianday(end) - func.julianday(start)) * 86400.0, 3)
