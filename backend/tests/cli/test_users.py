"""``underway users create|list`` against a database with no server (in process: each start of a
fresh interpreter costs seconds, and these commands hold no state between runs)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from typer.testing import CliRunner, Result

from tests.support.processes import cli_env
from underway.auth.passwords import PasswordHasher
from underway.auth.users import find_user_row
from underway.cli.app import app
from underway.store.engine import create_engine


def run_cli(args: list[str], env: dict[str, str]) -> Result:
    return CliRunner().invoke(app, args, env=env)


def _password_is(database_url: str, username: str, password: str) -> bool:
    async def check() -> bool:
        engine = create_engine(database_url)
        try:
            row = await find_user_row(engine, username)
        finally:
            await engine.dispose()
        assert row is not None
        ok, _ = await PasswordHasher().verify(password, row.password_hash)
        return ok

    return asyncio.run(check())


def test_create_and_list_users(tmp_path: Path, database_url: str) -> None:
    env = cli_env(tmp_path, database_url)
    created = run_cli(["users", "create", "bob", "--password", "s3cret-enough"], env)
    assert created.exit_code == 0, created.stderr
    assert "Created user 'bob'" in created.stdout
    assert "s3cret-enough" not in created.stdout
    assert _password_is(database_url, "bob", "s3cret-enough")

    # No --password and no terminal: a password is generated and printed once.
    admin = run_cli(["users", "create", "chief", "--admin"], env)
    assert admin.exit_code == 0, admin.stderr
    assert "Created admin 'chief'" in admin.stdout
    generated = admin.stdout.split("Password:", 1)[1].strip()
    assert len(generated) >= 16 and _password_is(database_url, "chief", generated)

    listed = run_cli(["users", "list"], env)
    assert listed.exit_code == 0, listed.stderr
    rows = {line.split()[1]: line for line in listed.stdout.splitlines() if "bob" in line or "chief" in line}
    assert "user" in rows["bob"] and "admin" in rows["chief"]


def test_duplicate_or_invalid_users_exit_2(tmp_path: Path, database_url: str) -> None:
    env = cli_env(tmp_path, database_url)
    assert run_cli(["users", "create", "bob", "--password", "s3cret-enough"], env).exit_code == 0
    for args, message in (
        (["bob", "--password", "another-one"], "already taken"),
        (["Bad Name!", "--password", "s3cret-enough"], "3-64 characters"),
        (["carol", "--password", "short"], "8 to"),
    ):
        done = run_cli(["users", "create", *args], env)
        assert done.exit_code == 2, (args, done.stdout, done.stderr)
        assert message in done.stderr, done.stderr
