"""``underway login`` / ``logout`` and the stored credentials."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime

import pytest

from tests.api.conftest import DEFAULT_PASSWORD
from tests.cli_remote.conftest import Cli

# Every command is a real `python -m underway` process (a few seconds each on a busy machine).
pytestmark = pytest.mark.timeout(300)


def test_login_stores_a_0600_token_that_later_commands_use(cli: Cli) -> None:
    cli.server.create_user("bob")
    done = cli.run(
        "login",
        "--server",
        cli.server.base_url + "/",
        "--username",
        "bob",
        "--password-stdin",
        input=DEFAULT_PASSWORD + "\n",
        signed_in=False,
    )
    assert done.returncode == 0, done.stderr
    assert f"Signed in to {cli.server.base_url} as bob" in done.stderr
    creds_file = cli.config_dir / "credentials.json"
    assert stat.S_IMODE(creds_file.stat().st_mode) == 0o600
    stored = json.loads(creds_file.read_text())
    assert stored["current"] == cli.server.base_url
    assert stored["servers"][cli.server.base_url]["username"] == "bob"
    assert DEFAULT_PASSWORD not in creds_file.read_text()

    # No --server, no UNDERWAY_URL: the last login is used.
    listed = cli.run("ops", "list", "--json", signed_in=False)
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout) == {"items": [], "next_cursor": None}
    names = [w["name"] for w in json.loads(cli.run("workflows", "--json", signed_in=False).stdout)]
    assert "demo.sleep" in names

    out = cli.run("logout", signed_in=False)
    assert out.returncode == 0
    assert f"Signed out of {cli.server.base_url}" in out.stderr
    assert json.loads(creds_file.read_text())["servers"] == {}
    assert stat.S_IMODE(creds_file.stat().st_mode) == 0o600
    # Signed out and no server configured: a usage error; with a server but no token: auth.
    assert cli.run("ops", "list", signed_in=False).returncode == 2
    unauth = cli.run("ops", "list", "--server", cli.server.base_url, signed_in=False)
    assert unauth.returncode == 3
    assert "underway login" in unauth.stderr


def test_bad_password_exits_3_and_stores_nothing(cli: Cli) -> None:
    cli.server.create_user("bob")
    done = cli.run(
        "login",
        "--server",
        cli.server.base_url,
        "-u",
        "bob",
        "--password-stdin",
        input="wrong password\n",
        signed_in=False,
    )
    assert done.returncode == 3
    assert "Incorrect username or password" in done.stderr
    assert not (cli.config_dir / "credentials.json").exists()


def test_login_without_a_server_is_a_usage_error(cli: Cli) -> None:
    done = cli.run("login", "-u", "bob", "--password-stdin", input="x\n", signed_in=False)
    assert done.returncode == 2
    assert "--server" in done.stderr


def test_an_invalid_token_in_the_environment_exits_3(cli: Cli) -> None:
    done = cli.run("ops", "list", UNDERWAY_TOKEN="uwk_not-a-real-key")
    assert done.returncode == 3
    assert "sign in again" in done.stderr


def test_login_and_logout_print_json_for_scripts(cli: Cli) -> None:
    cli.server.create_user("bob")
    url = cli.server.base_url
    done = cli.run(
        "login",
        "--server",
        url,
        "-u",
        "Bob",
        "--password-stdin",
        "--json",
        input=DEFAULT_PASSWORD + "\n",
        signed_in=False,
    )
    assert done.returncode == 0, done.stderr
    signed_in = json.loads(done.stdout)
    assert set(signed_in) == {"server", "username", "role", "expires_at"}
    assert (signed_in["server"], signed_in["username"], signed_in["role"]) == (url, "bob", "user")
    expires_at = datetime.fromisoformat(signed_in["expires_at"])
    assert expires_at > datetime.now(UTC)
    assert DEFAULT_PASSWORD not in done.stdout + done.stderr

    out = cli.run("logout", "--server", url + "/", "--json", signed_in=False)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {"server": url, "signed_out": True}
    again = cli.run("logout", "--json", signed_in=False)  # nothing left to forget
    assert again.returncode == 0
    assert json.loads(again.stdout) == {"server": None, "signed_out": False}
