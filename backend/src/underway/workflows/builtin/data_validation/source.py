"""Opening the CSV to validate, wherever it comes from, and reading it in chunks of rows.

All three sources end up as one binary stream read through ``csv.reader``, so memory stays
bounded by one chunk whatever the size of the file, and progress is the share of bytes consumed.
"""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from underway.operations.errors import WorkflowFailure
from underway.workflows.builtin.data_validation.params import DataValidationParams
from underway.workflows.builtin.monthly_report.dataset import ensure_dataset

if TYPE_CHECKING:
    from _csv import Reader

CHUNK_ROWS = 10_000


@dataclass(frozen=True)
class Record:
    """A data row and the line of the file where it ends (the header is line 1)."""

    line: int
    cells: list[str]


def resolve_upload(data_dir: Path, relative: str) -> Path:
    """The uploaded file ``relative`` (already checked to be relative and free of ``..``) in
    ``<data_dir>/uploads``.

    Resolving follows symlinks, so a link pointing out of the uploads folder is refused too.
    Messages name the relative path only: server paths are none of the user's business."""
    root = (data_dir / "uploads").resolve()
    path = (root / relative).resolve()
    if not path.is_relative_to(root):
        raise WorkflowFailure(f"'{relative}' points outside the uploads folder")
    if not path.is_file():
        raise WorkflowFailure(f"There is no uploaded file '{relative}'")
    return path


class CsvSource:
    """The source named by the params: :meth:`open`, read chunks, :meth:`close`. Blocking.

    Uploads and the built-in data set are found in ``data_dir``, the installation's data directory."""

    def __init__(self, params: DataValidationParams, data_dir: Path, chunk_rows: int = CHUNK_ROWS) -> None:
        self._params = params
        self._data_dir = data_dir
        self._chunk_rows = chunk_rows
        self._raw: BinaryIO | None = None
        self._size = 1
        self._csv: Reader | None = None
        self.header: list[str] | None = None
        self.pending: list[Record] = []  # the first data row, when there is no header
        self.width = 0  # cells per row: the header's, or the first row's without a header
        self.done = False
        self.label = self._label()

    def _label(self) -> str:
        p = self._params
        if p.dataset is not None:
            return f"dataset:{p.dataset}"
        return f"uploads/{p.path}" if p.path is not None else "inline CSV"

    def open(self) -> None:
        """Open the source and read its first row (the header, if it has one). Blocking."""
        raw, compressed, has_header, delimiter = self._open_raw()
        self._raw = raw
        stream = gzip.GzipFile(fileobj=raw) if compressed else raw
        # utf-8-sig drops the byte-order mark spreadsheet programs put at the start of exports.
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
        self._csv = csv.reader(text, delimiter=delimiter)
        first = self._next_chunk(1)
        if not first:
            raise WorkflowFailure(f"The CSV ({self.label}) is empty")
        if has_header:
            self.header = first[0].cells
        else:
            self.pending = first
        self.width = len(first[0].cells)

    def _open_raw(self) -> tuple[BinaryIO, bool, bool, str]:
        """The byte stream, whether it is gzip, whether it has a header, and its delimiter."""
        p = self._params
        if p.dataset is not None:
            path = ensure_dataset(self._data_dir)
            self._size = max(path.stat().st_size, 1)
            return path.open("rb"), True, True, ","
        if p.path is not None:
            path = resolve_upload(self._data_dir, p.path)
            self._size = max(path.stat().st_size, 1)
            return path.open("rb"), path.suffix == ".gz", p.has_header, p.delimiter
        data = (p.csv_text or "").encode()
        self._size = max(len(data), 1)
        return io.BytesIO(data), False, p.has_header, p.delimiter

    def close(self) -> None:
        if self._raw is not None:
            self._raw.close()

    @property
    def fraction(self) -> float:
        if self.done or self._raw is None:
            return 1.0 if self.done else 0.0
        return min(self._raw.tell() / self._size, 1.0)

    def read_chunk(self) -> list[Record]:
        """The next records (empty once the file is exhausted). Blank lines are skipped."""
        chunk, self.pending = self.pending, []
        chunk += self._next_chunk(self._chunk_rows - len(chunk))
        return chunk

    def _next_chunk(self, size: int) -> list[Record]:
        assert self._csv is not None, "open() the source first"
        records: list[Record] = []
        reader = self._csv
        try:
            for cells in reader:
                if cells:
                    records.append(Record(reader.line_num, cells))
                    if len(records) >= size:
                        return records
        except UnicodeDecodeError:
            raise WorkflowFailure(
                f"The CSV ({self.label}) is not UTF-8 text (near line {reader.line_num + 1})"
            ) from None
        except (csv.Error, OSError, EOFError) as exc:
            raise WorkflowFailure(
                f"The CSV ({self.label}) cannot be read near line {reader.line_num}: {exc}"
            ) from None
        self.done = True
        return records
