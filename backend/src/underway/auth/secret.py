"""The token signing key: from UNDERWAY_SECRET_KEY, else generated once into the data dir.

The generated file is written with mode 0600 to a temporary name and hard-linked into place, so a
reader never sees a half-written key and two processes starting together agree on one key (the
loser of the race reads the winner's).
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from underway.settings import Settings

SECRET_FILE_NAME = "secret_key"  # noqa: S105 (a file name, not a secret)
_MIN_LENGTH = 32

log = logging.getLogger(__name__)


def secret_key_path(settings: Settings) -> Path:
    return settings.data_dir / SECRET_FILE_NAME


def load_secret_key(settings: Settings) -> str:
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value()
    return read_or_create_secret(secret_key_path(settings))


def read_or_create_secret(path: Path) -> str:
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_urlsafe(64) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)
            log.info("generated a new token signing key in %s", path)
        except FileExistsError:
            pass  # another process won the race: use its key
    finally:
        tmp.unlink(missing_ok=True)
    return _read(path)


def _read(path: Path) -> str:
    mode = path.stat().st_mode
    if mode & 0o077:
        log.warning("%s is readable by others (mode %o); run chmod 600 on it", path, mode & 0o777)
    key = path.read_text(encoding="ascii").strip()
    if len(key) < _MIN_LENGTH:
        raise RuntimeError(f"{path} holds no usable key (< {_MIN_LENGTH} characters); delete it")
    return key
