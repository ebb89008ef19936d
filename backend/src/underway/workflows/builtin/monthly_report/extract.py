"""Streaming extraction of one month from the gzip-compressed ledger.

The file is read in chunks (a few MB of text) so the workflow can report progress and honour
cancellation between chunks; only the requested month's rows are kept, so memory stays bounded
by one month.

Speed: parsing all ~300,000 rows with ``csv`` is the bulk of the report's time, yet only 1/36 of
them are wanted. A substring test on the raw line (``,2024-03``) is ~30 times cheaper than
parsing, so lines are pre-filtered that way and only candidates are parsed. That is exact
because the date is the second column (always preceded by a comma) and every record of the
ledger sits on one line; a quote left open at the end of a line would break that assumption and
fails the extraction instead of silently mis-reading rows.
"""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from underway.operations.errors import WorkflowFailure
from underway.workflows.builtin.monthly_report.dataset import COL_DATE, COLUMNS

Row = list[str]
CHUNK_CHARS = 2_000_000


class MonthExtractor:
    """Reads the ledger chunk by chunk, keeping the rows dated in ``year``-``month``.

    A row belongs to the month when its date *text* starts with ``YYYY-MM``: rows whose day is
    broken (``2024-06-31``) are still extracted, so validation can count them as rejected
    instead of losing them silently.
    """

    def __init__(self, path: Path, year: int, month: int, chunk_chars: int = CHUNK_CHARS) -> None:
        self._path = path
        self._prefix = f"{year:04d}-{month:02d}"
        self._tokens = (f",{self._prefix}", f',"{self._prefix}')  # plain or quoted date field
        self._chunk_chars = chunk_chars
        self._size = max(path.stat().st_size, 1)
        self._raw: BinaryIO | None = None
        self._text: io.TextIOWrapper | None = None
        self.rows: list[Row] = []
        self.scanned = 0
        self.done = False

    def __enter__(self) -> MonthExtractor:
        self._raw = self._path.open("rb")
        self._text = io.TextIOWrapper(gzip.GzipFile(fileobj=self._raw), encoding="utf-8", newline="")
        header = next(csv.reader([self._text.readline()]), None)
        if header is None or tuple(header) != COLUMNS:
            raise WorkflowFailure(f"The ledger {self._path.name} has an unexpected header")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._raw is not None:
            self._raw.close()

    @property
    def fraction(self) -> float:
        """Share of the compressed file consumed so far (the progress of the extraction)."""
        if self.done or self._raw is None:
            return 1.0 if self.done else 0.0
        return min(self._raw.tell() / self._size, 1.0)

    def read_chunk(self) -> bool:
        """Read the next chunk; returns False once the file is exhausted. Blocking."""
        assert self._text is not None, "use MonthExtractor as a context manager"
        try:
            lines = self._text.readlines(self._chunk_chars)
        except (OSError, EOFError, UnicodeDecodeError) as exc:
            raise WorkflowFailure(f"The ledger is damaged: {exc}") from exc
        if not lines:
            self.done = True
            return False
        self.scanned += len(lines)
        self._refuse_multiline(lines)
        plain, quoted = self._tokens
        candidates = [line for line in lines if plain in line or quoted in line]
        for row in csv.reader(candidates):
            # A candidate may hold the token in another field: the date column decides.
            if len(row) > COL_DATE and row[COL_DATE].startswith(self._prefix):
                self.rows.append(row)
        return True

    def _refuse_multiline(self, lines: list[str]) -> None:
        for line in lines:
            if '"' in line and line.count('"') % 2:
                raise WorkflowFailure(
                    "The ledger has a record spanning several lines, which it must not have"
                )
