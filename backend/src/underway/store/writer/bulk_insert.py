"""Many rows inserted through the driver's ``executemany``, converted by the columns' own types.

For a list of dictionaries SQLAlchemy builds, per row, a parameter dictionary and runs each value
through its type's processor; on the hot path that bookkeeping cost more than the insert itself
(a batch writes every event of hundreds of operations). Here the statement is rendered once per
dialect, each row becomes a tuple in column order, and only the conversions the driver needs are
applied (SQLite: datetimes to text; PostgreSQL: none, psycopg adapts them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, Dialect, Table

_Rendered = tuple[str, list[Callable[[Any], Any] | None]]


class BulkInsert:
    def __init__(self, table: Table) -> None:
        self._table = table
        self._columns = [c.name for c in table.c]
        self._rendered: dict[str, _Rendered] = {}

    def execute(self, conn: Connection, rows: Iterable[Mapping[str, Any]]) -> None:
        """Insert ``rows``, each with a value for every column of the table."""
        sql, processors = self._for(conn.dialect)
        names = self._columns
        params = [
            tuple(v if p is None else p(v) for v, p in zip((row[n] for n in names), processors, strict=True))
            for row in rows
        ]
        if params:
            conn.exec_driver_sql(sql, params)

    def _for(self, dialect: Dialect) -> _Rendered:
        found = self._rendered.get(dialect.name)
        if found is None:
            quote = dialect.identifier_preparer.quote
            mark = "?" if dialect.paramstyle == "qmark" else "%s"
            sql = (
                f"INSERT INTO {quote(self._table.name)} ({', '.join(quote(n) for n in self._columns)}) "  # noqa: S608
                f"VALUES ({', '.join([mark] * len(self._columns))})"
            )
            processors: list[Callable[[Any], Any] | None] = [
                c.type.dialect_impl(dialect).bind_processor(dialect) for c in self._table.c
            ]
            found = (sql, processors)
            self._rendered[dialect.name] = found
        return found
