"""The built-in transactions data set: its schema, reference data and on-disk cache.

The file is generated on first use (see :mod:`.generator`) and cached under
``<data_dir>/datasets/``; every later use reads the cached file. The name carries a version: bump
it whenever the generator changes, so installations regenerate instead of reusing an old file.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

COLUMNS: tuple[str, ...] = (
    "transaction_id",
    "date",
    "account",
    "category",
    "counterparty",
    "currency",
    "amount",
    "type",
)
# Column positions, so hot loops index tuples instead of building dicts per row.
(
    COL_ID,
    COL_DATE,
    COL_ACCOUNT,
    COL_CATEGORY,
    COL_COUNTERPARTY,
    COL_CURRENCY,
    COL_AMOUNT,
    COL_TYPE,
) = range(len(COLUMNS))

FIRST_YEAR = 2023
LAST_YEAR = 2025
SEED = 20240601
DATASET_FILE = f"transactions-v1-{FIRST_YEAR}-{LAST_YEAR}-seed{SEED}.csv.gz"

REPORTING_CURRENCY = "EUR"
# Fixed conversion rates (units of EUR for one unit of the currency). A real deployment would read
# period rates from a treasury system; fixed rates keep the built-in report reproducible.
FX_TO_REPORTING: dict[str, Decimal] = {
    "EUR": Decimal("1"),
    "USD": Decimal("0.9150"),
    "GBP": Decimal("1.1680"),
    "CHF": Decimal("1.0420"),
}

# Only one generation at a time per process; across processes the atomic rename is what keeps
# readers from ever seeing a half-written file.
_generation_lock = threading.Lock()


def dataset_path(data_dir: Path) -> Path:
    """Where the data set is cached in the installation's data directory (``ctx.data_dir``)."""
    return data_dir / "datasets" / DATASET_FILE


def ensure_dataset(data_dir: Path, progress: Callable[[float], None] | None = None) -> Path:
    """Return the data set cached in ``data_dir``, generating it first if needed (a second or two;
    ``progress`` then receives the fraction generated). Blocking: call it via ``run_sync``."""
    path = dataset_path(data_dir)
    if path.is_file():
        return path
    with _generation_lock:
        if path.is_file():  # another thread generated it while we waited
            return path
        from underway.workflows.builtin.monthly_report.generator import write_dataset

        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".transactions-", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as raw:
                write_dataset(raw, SEED, progress)
            os.replace(tmp_name, path)  # atomic: concurrent generators simply overwrite each other
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
    return path
