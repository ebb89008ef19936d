"""The SQLite feed: other processes' events, read by the writer thread when it is idle.

``PRAGMA data_version`` on the writer's own connection changes only when *another* connection
commits, so a process alone on its database never reads anything back. When it does change, the
event rows added since the last read are read in rowid order. This process's own rows are skipped:
each of its batches inserted a run of consecutive rowids (one writer holds the database), recorded
after commit.
"""

from __future__ import annotations

import time
from collections import deque

from sqlalchemy import ColumnClause, Connection, func, literal_column, select

from underway.operations.models import OperationEvent
from underway.store.engine import READ_OPTION
from underway.store.mapping import event_of_mapping
from underway.store.writer.transaction import EVENTS, Tx

_ROWID: ColumnClause[int] = literal_column("rowid")
_PAGE = 5000


class SqliteFeed:
    def __init__(self, poll_interval_s: float = 0.01) -> None:
        self._interval = poll_interval_s
        self._next_poll = 0.0
        self._version: int | None = None
        self._watermark: int | None = None  # every row up to here has been read or is ours
        self._own: deque[tuple[int, int]] = deque()  # our committed rowid runs above the watermark

    def before_commit(self, tx: Tx) -> None:
        pass

    def after_commit(self, tx: Tx) -> None:
        if tx.last_event_rowid is None or self._watermark is None:
            return
        last = tx.last_event_rowid
        self._own.append((last - len(tx.events) + 1, last))
        self._advance()

    def _advance(self) -> None:
        assert self._watermark is not None
        while self._own and self._own[0][0] <= self._watermark + 1:
            self._watermark = max(self._watermark, self._own.popleft()[1])

    def poll(self, conn: Connection) -> list[OperationEvent]:
        now = time.monotonic()
        if now < self._next_poll:
            return []
        self._next_poll = now + self._interval
        conn.info[READ_OPTION] = True  # a plain BEGIN: this transaction only reads
        try:
            version = conn.exec_driver_sql("PRAGMA data_version").scalar_one()
            if self._watermark is None:  # first poll: start from what exists now
                self._watermark = conn.execute(
                    select(func.coalesce(func.max(_ROWID), 0)).select_from(EVENTS)
                ).scalar_one()
                self._version = version
                return []
            if version == self._version:
                return []
            rows = (
                conn.execute(
                    select(_ROWID.label("feed_rowid"), *EVENTS.c)
                    .where(self._watermark < _ROWID)
                    .order_by(_ROWID)
                    .limit(_PAGE)
                )
                .mappings()
                .all()
            )
        finally:
            conn.rollback()
            conn.info.pop(READ_OPTION, None)
        if len(rows) < _PAGE:
            self._version = version  # read to the end; otherwise read on at the next poll
        events: list[OperationEvent] = []
        for row in rows:
            rowid = row["feed_rowid"]
            while self._own and self._own[0][1] < rowid:
                self._own.popleft()
            if not (self._own and self._own[0][0] <= rowid <= self._own[0][1]):
                events.append(event_of_mapping(row))
            self._watermark = rowid
        self._advance()
        return events
