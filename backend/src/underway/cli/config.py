"""Stored server credentials for remote mode (``underway login`` / ``logout``).

One JSON file, ``credentials.json``, in the user's config directory: ``$UNDERWAY_CONFIG_DIR``, else
``$XDG_CONFIG_HOME/underway``, else ``~/.config/underway`` (``%APPDATA%\\underway`` on Windows). It is
created with mode 0600 and replaced atomically, so a token is never readable by other users, not
even for an instant, and a crash never leaves half a file.

Which server a command talks to: ``--server``, else ``UNDERWAY_URL``, else the last ``login``. The
credential: ``UNDERWAY_TOKEN`` (an access token or an API key), else the one stored for that server.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

CONFIG_DIR_ENV = "UNDERWAY_CONFIG_DIR"
URL_ENV = "UNDERWAY_URL"
TOKEN_ENV = "UNDERWAY_TOKEN"  # noqa: S105 (a variable name)
CREDENTIALS_FILE = "credentials.json"


class ServerLogin(BaseModel):
    username: str
    token: str
    expires_at: datetime | None = None


class Credentials(BaseModel):
    current: str | None = Field(None, description="The server of the last login.")
    servers: dict[str, ServerLogin] = Field(default_factory=dict)


@dataclass(frozen=True)
class Target:
    """The server a remote command talks to and the credential it sends (None: not signed in)."""

    url: str
    token: str | None
    username: str | None = None


def config_dir() -> Path:
    if explicit := os.environ.get(CONFIG_DIR_ENV):
        return Path(explicit)
    if sys.platform == "win32" and (appdata := os.environ.get("APPDATA")):
        return Path(appdata) / "underway"
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "underway"


def credentials_path() -> Path:
    return config_dir() / CREDENTIALS_FILE


def normalise_url(url: str) -> str:
    """One key per server: no trailing slash, no ``/api/v1``."""
    return url.strip().rstrip("/").removesuffix("/api/v1")


def load() -> Credentials:
    path = credentials_path()
    try:
        return Credentials.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        return Credentials()
    except (OSError, ValidationError, ValueError):
        return Credentials()  # unreadable or from a different version: as if signed out


def save(creds: Credentials) -> Path:
    """Write atomically with mode 0600: a temporary file created 0600 (``O_EXCL``), then renamed."""
    path = credentials_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(json.dumps(creds.model_dump(mode="json"), indent=2))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def remember(url: str, login: ServerLogin) -> Path:
    creds = load()
    key = normalise_url(url)
    creds.servers[key] = login
    creds.current = key
    return save(creds)


def forget(url: str | None) -> str | None:
    """Remove the stored login of ``url`` (default: the current server); returns the server forgotten."""
    creds = load()
    key = normalise_url(url) if url else creds.current
    if key is None or key not in creds.servers:
        return None
    del creds.servers[key]
    if creds.current == key:
        creds.current = next(iter(creds.servers), None)
    save(creds)
    return key


def resolve(server: str | None) -> Target | None:
    """The server to use, or None when none is configured (commands then run locally)."""
    creds = load()
    url = server or os.environ.get(URL_ENV) or creds.current
    if not url:
        return None
    key = normalise_url(url)
    stored = creds.servers.get(key)
    token = os.environ.get(TOKEN_ENV) or (stored.token if stored else None)
    return Target(url=key, token=token, username=stored.username if stored else None)
