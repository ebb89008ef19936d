"""Recording an artifact on its operation (a JSON list on the row; a newer file of the same name
replaces the older entry)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update

from underway.store.writer.transaction import OPERATIONS, Tx

_O = OPERATIONS.c


@dataclass(frozen=True, slots=True)
class AddArtifact:
    operation_id: str
    artifact: dict[str, Any]
    solo: bool = False
    buffered: bool = False

    def apply(self, tx: Tx) -> None:
        read = select(_O.artifacts).where(_O.id == self.operation_id)
        if tx.is_postgres:
            read = read.with_for_update()
        current = tx.conn.execute(read).scalar_one_or_none()
        if current is None:
            return
        kept = [a for a in current if a["name"] != self.artifact["name"]]
        tx.conn.execute(
            update(OPERATIONS).where(_O.id == self.operation_id).values(artifacts=[*kept, self.artifact])
        )
