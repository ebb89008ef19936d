"""The generated signing key file."""

from __future__ import annotations

import logging
import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pydantic import SecretStr

from underway.auth.secret import load_secret_key, read_or_create_secret, secret_key_path
from underway.settings import Settings


def test_created_with_mode_0600_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "data" / "secret_key"
    key = read_or_create_secret(path)
    assert len(key) >= 64
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_or_create_secret(path) == key
    assert [p.name for p in path.parent.iterdir()] == ["secret_key"]  # no temporary file left


def test_concurrent_first_starts_agree_on_one_key(tmp_path: Path) -> None:
    path = tmp_path / "secret_key"
    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(lambda _: read_or_create_secret(path), range(16)))
    assert len(keys) == 1


def test_environment_key_wins(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, secret_key=SecretStr("e" * 40))
    assert load_secret_key(settings) == "e" * 40
    assert not secret_key_path(settings).exists()


def test_short_environment_key_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="32"):
        Settings(data_dir=tmp_path, secret_key=SecretStr("short"))


def test_unusable_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "secret_key"
    path.write_text("tiny")
    with pytest.raises(RuntimeError, match="no usable key"):
        read_or_create_secret(path)


def test_loose_permissions_are_reported(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "secret_key"
    read_or_create_secret(path)
    path.chmod(0o644)
    with caplog.at_level(logging.WARNING, logger="underway.auth.secret"):
        read_or_create_secret(path)
    assert "chmod 600" in caplog.text
