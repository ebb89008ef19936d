"""From commits to subscribers: this process's committed batches and other processes' changes.

The store writer hands every committed batch to :meth:`FeedRelay.committed` on the event loop: its
events go to the broker, its changes to the dispatcher (new work, freed slots, cancels). Other
processes' commits arrive through the change feed (store/feed/): on SQLite as event rows read by the
writer thread, on PostgreSQL as notifications naming ``seq`` ranges, whose events are read here
only for operations someone in this process listens to. Either way a stream connected to this
process sees an operation run by any process live, and the dispatcher hears of any process's
cancels and submissions at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from underway.operations.models import OperationEvent
from underway.progress.broker import EventBroker
from underway.store.operations_repo import OperationRepository
from underway.store.writer.thread import Committed
from underway.store.writer.transaction import Change

ChangeListener = Callable[[Sequence[Change]], None]


class FeedRelay:
    def __init__(self, repo: OperationRepository, broker: EventBroker) -> None:
        self._repo = repo
        self._broker = broker
        self._listeners: list[ChangeListener] = []

    def listen(self, listener: ChangeListener) -> None:
        self._listeners.append(listener)

    def committed(self, batch: Committed) -> None:
        """A pass of this process's writer: publish, then tell the listeners."""
        self._broker.publish(batch.events)
        if batch.remote_events:
            self._broker.publish(batch.remote_events)
        changes = batch.changes + _changes_of(batch.remote_events)
        if changes:
            self._tell(changes)

    async def remote_changes(self, changes: Sequence[Change]) -> None:
        """Another process committed these (PostgreSQL's feed)."""
        self._tell(changes)
        wanted = [c for c in changes if self._broker.wants(c.operation_id)]
        if wanted:
            self._broker.publish(await self._repo.events_in(wanted))

    async def find_lost(self) -> None:
        """The safety net under the PostgreSQL feed, whose notifications follow their commits: a
        process that dies between a commit and its notification leaves events nobody here was told
        of. Compares the followed operations' newest ``seq`` in the log with what was published
        here, and has the subscribers of any that fell behind re-read the log."""
        followed = self._broker.followed()
        if not followed:
            return
        for operation_id, newest in (await self._repo.newest_seqs(list(followed))).items():
            if newest > followed[operation_id]:
                self._broker.catch_up(operation_id, newest)

    async def resync(self) -> None:
        """The feed reconnected and may have missed changes: subscribers re-read their logs, and the
        listeners look again (an empty change list means "look at everything")."""
        self._broker.resync()
        self._tell([])

    def _tell(self, changes: Sequence[Change]) -> None:
        for listener in self._listeners:
            listener(changes)


def _changes_of(events: Sequence[OperationEvent]) -> list[Change]:
    latest: dict[str, Change] = {}
    for e in events:
        seen = latest.get(e.operation_id)
        latest[e.operation_id] = Change(e.operation_id, seen.first_seq if seen else e.seq, e.seq, e.status)
    return list(latest.values())
