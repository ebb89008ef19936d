"""What the store writer runs: commands, each applied inside a shared batch transaction.

A command's ``apply`` runs in the writer's thread on a synchronous connection. Expected refusals
(a full queue, an idempotency conflict) are *returned* as :class:`Refused`, not raised: raising
aborts the whole batch (it is then retried command by command), which a refusal must not cost the
other submissions of the batch. ``solo`` commands get a transaction of their own on PostgreSQL
(claims: they take slot locks before their other writes, which would break the batch's lock order);
SQLite has no row locks (one writer holds the whole database), so there they share the batch.
``buffered`` commands only add to the transaction's deferred writes (progress events, new
operations), so consecutive ones share statements; any other command first flushes them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from underway.store.writer.transaction import Later, Tx

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


@dataclass(frozen=True, slots=True)
class Refused:
    """An expected "no": raised to the caller, while the rest of the batch commits."""

    error: Exception


class Command(Protocol[T_co]):
    @property
    def solo(self) -> bool: ...

    @property
    def buffered(self) -> bool: ...

    def apply(self, tx: Tx) -> T_co | Refused | Later[T_co]: ...


@dataclass(frozen=True, slots=True)
class Run(Generic[T]):
    """Any function of the transaction (registry writes, recovery's bookkeeping)."""

    fn: Callable[[Tx], T]
    solo: bool = False
    buffered: bool = False

    def apply(self, tx: Tx) -> T:
        return self.fn(tx)
