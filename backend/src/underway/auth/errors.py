"""Typed errors of the auth core; the API maps each to one problem+json status."""

from __future__ import annotations


class AuthError(Exception):
    """Base of every error raised on purpose by :mod:`underway.auth`."""


class InvalidCredentials(AuthError):
    """Wrong username or password. Deliberately does not say which."""

    def __init__(self) -> None:
        super().__init__("Incorrect username or password")


class InvalidToken(AuthError):
    """A bearer credential that is malformed, forged, expired, revoked or unknown.

    ``reason`` is for server logs only: telling the client why helps an attacker tune a forgery.
    """

    def __init__(self, reason: str) -> None:
        super().__init__("Invalid or expired credentials")
        self.reason = reason


class AccountDisabled(AuthError):
    def __init__(self, username: str) -> None:
        super().__init__(f"The account '{username}' is disabled; ask an administrator")
        self.username = username


class PermissionDenied(AuthError):
    def __init__(self, msg: str = "This requires an administrator") -> None:
        super().__init__(msg)


class UserNotFound(AuthError):
    def __init__(self, ident: str) -> None:
        super().__init__(f"User '{ident}' not found")
        self.ident = ident


class UsernameTaken(AuthError):
    def __init__(self, username: str) -> None:
        super().__init__(f"The username '{username}' is already taken")
        self.username = username


class SelfLockout(AuthError):
    """An admin tried to disable or demote their own account (there might be no admin left)."""

    def __init__(self) -> None:
        super().__init__("Administrators cannot disable or demote their own account")


class ApiKeyNotFound(AuthError):
    def __init__(self, key_id: str) -> None:
        super().__init__(f"API key '{key_id}' not found")
        self.key_id = key_id


class InvalidUserInput(AuthError, ValueError):
    """A username or password that breaks the rules (for callers that skip the API's validation)."""

    def __init__(self, field: str, msg: str) -> None:
        super().__init__(msg)
        self.field = field
        self.msg = msg
