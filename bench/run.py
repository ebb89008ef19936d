"""Run the benchmarks and print a Markdown table (paste into docs/benchmarks.md).

cd backend && uv run python ../bench/run.py [--quick] [--postgres URL] [--only PART] [--redis URL]

Every figure is printed with a baseline measured in the same run, and their ratio. Every measurement
runs on a fresh, empty database: a SQLite file in a temporary directory, or with --postgres a new
database on that PostgreSQL server (created and dropped by the bench).
"""

from __future__ import annotations

import argparse
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from servers import databases, durability
from stats import Figure

PARTS = ("compare", "scaling", "core", "api")


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
    parser.add_argument(
        "--redis",
        default="redis://127.0.0.1:6379/10",
        metavar="URL",
        help="the Redis database arq and Celery use (flushed by the bench: give it one of its own)",
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the comparison (medians)")
    parser.add_argument(
        "--only",
        choices=PARTS,
        action="append",
        help="run only this part (repeatable): compare (the same job on arq, Celery and Underway), "
        "scaling (4 worker processes against 1, PostgreSQL only), core, api",
    )
    args = parser.parse_args()
    parts = args.only or list(PARTS)

    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="underway-bench-") as tmp:
        tmpdir = Path(tmp)
        database = databases(tmpdir, args.postgres)
        with database("durability") as url:
            durable = durability(url)
        if "compare" in parts:
            import compare

            postgres = args.postgres is not None
            figures += compare.run(
                tmpdir / "compare", database, postgres, args.redis, args.quick, args.rounds
            )
        if "scaling" in parts and args.postgres is not None:
            import compare

            figures += compare.scaling(tmpdir / "scaling", database, args.quick, args.rounds)
        if "core" in parts:
            import core_bench

            with database("core") as url:
                figures += core_bench.run(tmpdir / "core", url, args.quick)
        if "api" in parts:
            import api_bench

            figures += api_bench.run(tmpdir / "api", database, args.quick)

    db = "SQLite" if args.postgres is None else "PostgreSQL"
    print(
        f"\nUnderway benchmarks: {time.strftime('%Y-%m-%d')}, Python {platform.python_version()}, {db} ({durable})"
    )
    print("| Figure | Value | Baseline (same run) | Ratio |")
    print("| --- | --- | --- | --- |")
    for figure in figures:
        print(figure.row())


if __name__ == "__main__":
    main()
