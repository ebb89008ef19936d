"""Run the benchmarks and print a Markdown table (paste into docs/benchmarks.md).

cd backend && uv run python ../bench/run.py [--quick] [--database-url URL] [--only core|api]
"""

from __future__ import annotations

import argparse
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from stats import Figure


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run with small counts")
    parser.add_argument("--database-url", default="", help="default: a SQLite file in a temp dir")
    parser.add_argument("--only", choices=["core", "api"], default=None)
    args = parser.parse_args()

    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="underway-bench-") as tmp:
        tmpdir = Path(tmp)
        url = args.database_url or f"sqlite:///{tmpdir / 'core.db'}"
        if args.only in (None, "core"):
            import core_bench

            figures += core_bench.run(tmpdir / "core", url, args.quick)
        if args.only in (None, "api"):
            try:
                import api_bench
            except ImportError:
                api_bench = None  # type: ignore[assignment]
            if api_bench is not None:
                api_url = args.database_url or f"sqlite:///{tmpdir / 'api.db'}"
                figures += api_bench.run(tmpdir / "api", api_url, args.quick)

    db = "PostgreSQL" if args.database_url.startswith("postgres") else "SQLite"
    print(f"\nUnderway benchmarks: {time.strftime('%Y-%m-%d')}, Python {platform.python_version()}, {db}")
    print("| Figure | Value | Baseline (same run) | Ratio |")
    print("| --- | --- | --- | --- |")
    for figure in figures:
        print(figure.row())


if __name__ == "__main__":
    main()
