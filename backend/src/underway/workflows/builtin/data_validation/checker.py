"""Applying the rules to rows: failure counts, the first examples per rule, and the full list of
offending cells streamed to a CSV file (bounded, so a hopeless file cannot fill the disk)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from underway.operations.errors import WorkflowFailure
from underway.workflows.builtin.data_validation.params import Rule
from underway.workflows.builtin.data_validation.rules import CellCheck, compile_rule
from underway.workflows.builtin.data_validation.source import Record

MAX_OFFENDING_LINES = 100_000
MAX_SHOWN_VALUE = 120  # characters of a cell kept in examples (the result stays small)
OFFENDING_HEADER = ("row", "rule", "column", "check", "value", "reason")


@dataclass
class RuleOutcome:
    index: int  # 1-based position of the rule in the params
    rule: Rule
    column_index: int
    check: CellCheck
    failures: int = 0
    examples: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        value = self.rule.value
        return {
            "index": self.index,
            "rule": self.rule.label,
            "column": self.rule.column,
            "check": self.rule.check.value,
            "value": value if isinstance(value, list) or value is None else str(value),
            "failures": self.failures,
            "first_failures": self.examples,
        }


def resolve_columns(rules: Sequence[Rule], header: list[str] | None, width: int) -> list[int]:
    """The 0-based column index of each rule; a column the file lacks fails the operation.

    With a header, columns are named; without one, by 1-based position checked against the
    width of the first row."""
    indexes: list[int] = []
    for i, rule in enumerate(rules, 1):
        if header is not None:
            if rule.column not in header:
                found = ", ".join(header[:30]) + (", ..." if len(header) > 30 else "")
                raise WorkflowFailure(
                    f"Rule {i} ({rule.label}) names the column '{rule.column}', "
                    f"which the file does not have. Columns found: {found}"
                )
            indexes.append(header.index(rule.column))  # the first one if the name repeats
        else:
            position = int(rule.column)
            if position > width:
                raise WorkflowFailure(
                    f"Rule {i} ({rule.label}) names column {position}, "
                    f"but the first row has only {width} columns"
                )
            indexes.append(position - 1)
    return indexes


class Checker:
    """Checks chunks of records (blocking: called through ``ctx.run_sync``)."""

    def __init__(
        self,
        rules: Sequence[Rule],
        column_indexes: Sequence[int],
        width: int,
        max_examples: int,
        offending: IO[str],
    ) -> None:
        self.outcomes = [
            RuleOutcome(i, rule, col, compile_rule(rule))
            for i, (rule, col) in enumerate(zip(rules, column_indexes, strict=True), 1)
        ]
        self.width = width
        self.max_examples = max_examples
        self.rows_checked = 0
        self.ragged_rows = 0  # rows with more or fewer cells than the header (or first row)
        self.offending_lines = 0
        self.offending_truncated = False
        self._writer = csv.writer(offending)
        self._writer.writerow(OFFENDING_HEADER)

    def check(self, records: Iterable[Record]) -> None:
        for record in records:
            cells = record.cells
            self.rows_checked += 1
            if len(cells) != self.width:
                self.ragged_rows += 1
            for outcome in self.outcomes:
                # A short row lacks the cell: it counts as empty.
                cell = cells[outcome.column_index].strip() if outcome.column_index < len(cells) else ""
                reason = outcome.check(cell)
                if reason is not None:
                    self._fail(outcome, record.line, cell, reason)

    def _fail(self, outcome: RuleOutcome, line: int, cell: str, reason: str) -> None:
        outcome.failures += 1
        if len(outcome.examples) < self.max_examples:
            outcome.examples.append({"row": line, "value": cell[:MAX_SHOWN_VALUE], "reason": reason})
        if self.offending_lines < MAX_OFFENDING_LINES:
            self.offending_lines += 1
            rule = outcome.rule
            self._writer.writerow((line, outcome.index, rule.column, rule.check.value, cell, reason))
        else:
            self.offending_truncated = True

    @property
    def failed_rules(self) -> int:
        return sum(1 for o in self.outcomes if o.failures)
