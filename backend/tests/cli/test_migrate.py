"""``underway migrate``: the schema is created once, on its own, and a second run changes nothing."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, inspect

from tests.support.processes import cli_env, run_cli


def test_migrate_creates_the_schema_and_is_idempotent(tmp_path: Path, database_url: str) -> None:
    env = cli_env(tmp_path, database_url)
    first = run_cli(["migrate"], env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Database schema is current (revision ")
    again = run_cli(["migrate"], env)
    assert again.returncode == 0 and again.stdout == first.stdout

    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
    finally:
        engine.dispose()
    assert {"operations", "operation_events", "workers", "users", "alembic_version"} <= tables
