"""A running operation's progress, stage or log event: buffered, then numbered with the others of
its operation in one UPDATE and inserted with every event of the batch in one executemany."""

from __future__ import annotations

from dataclasses import dataclass

from underway.progress.events import EventDraft
from underway.store.writer.transaction import Tx


@dataclass(frozen=True, slots=True)
class AppendEvent:
    draft: EventDraft
    solo: bool = False
    buffered: bool = True

    def apply(self, tx: Tx) -> None:
        tx.add_draft(self.draft)
