"""The token signing key: generated once (mode 0600), reused across restarts."""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from tests.api.conftest import start_server
from underway.auth.secret import secret_key_path
from underway.settings import Settings


async def test_generated_key_survives_a_restart(settings_factory: Callable[..., Settings]) -> None:
    settings = settings_factory()
    path = secret_key_path(settings)
    assert not path.exists()
    async with start_server(settings) as first:
        token = await first.token_for("alice")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key = path.read_text()

    async with start_server(settings) as second, second.client(token) as api:
        assert (await api.get("/users/me")).status_code == 200
    assert path.read_text() == key


async def test_configured_key_is_used_and_no_file_written(settings_factory: Callable[..., Settings]) -> None:
    settings = settings_factory(secret_key=SecretStr("k" * 48))
    async with start_server(settings) as server:
        token = await server.token_for("alice")
    assert not secret_key_path(settings).exists()

    other = settings_factory(secret_key=SecretStr("z" * 48))
    async with start_server(other) as server, server.client(token) as api:
        assert (await api.get("/users/me")).status_code == 401


async def test_key_read_from_a_secret_file(settings_factory: Callable[..., Settings], tmp_path: Path) -> None:
    secret = tmp_path / "underway_secret_key"
    secret.write_text("s" * 48 + "\n")  # as `docker compose` mounts it, newline included
    async with start_server(settings_factory(secret_key_file=secret)) as server:
        token = await server.token_for("alice")
    # The same key given directly accepts the token: the file's key (without its newline) signed it.
    async with (
        start_server(settings_factory(secret_key=SecretStr("s" * 48))) as server,
        server.client(token) as api,
    ):
        assert (await api.get("/users/me")).status_code == 200

    secret.write_text("short\n")
    with pytest.raises(ValidationError, match="UNDERWAY_SECRET_KEY_FILE must hold at least 32 characters"):
        settings_factory(secret_key_file=secret)
    with pytest.raises(ValidationError, match="UNDERWAY_SECRET_KEY_FILE: cannot read"):
        settings_factory(secret_key_file=tmp_path / "missing")
