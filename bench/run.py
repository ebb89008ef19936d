"""Run the benchmarks and print a Markdown table (paste into docs/benchmarks.md).

cd backend && uv run python ../bench/run.py [--quick] [--postgres URL] [--only core|api]

Every measurement runs on a fresh, empty database: a SQLite file in a temporary directory, or with
--postgres a new database on that PostgreSQL server (created and dropped by the bench).
"""

from __future__ import annotations

import argparse
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from servers import databases
from stats import Figure


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run with small counts")
    parser.add_argument(
        "--postgres",
        default=None,
        metavar="URL",
        help="a PostgreSQL database to CREATE/DROP databases from, e.g. postgresql://postgres@127.0.0.1/postgres",
    )
    parser.add_argument("--only", choices=["core", "api"], default=None)
    args = parser.parse_args()

    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="underway-bench-") as tmp:
        tmpdir = Path(tmp)
        database = databases(tmpdir, args.postgres)
        if args.only in (None, "core"):
            import core_bench

            with database("core") as url:
                figures += core_bench.run(tmpdir / "core", url, args.quick)
        if args.only in (None, "api"):
            import api_bench

            figures += api_bench.run(tmpdir / "api", database, args.quick)

    db = "SQLite" if args.postgres is None else "PostgreSQL"
    print(f"\nUnderway benchmarks: {time.strftime('%Y-%m-%d')}, Python {platform.python_version()}, {db}")
    print("| Figure | Value | Baseline (same run) | Ratio |")
    print("| --- | --- | --- | --- |")
    for figure in figures:
        print(figure.row())


if __name__ == "__main__":
    main()
