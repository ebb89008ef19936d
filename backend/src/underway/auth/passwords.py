"""Password hashing (argon2id through pwdlib), run off the event loop.

Argon2 is deliberately slow and memory-hard (~100 ms, 64 MiB per hash): it runs in a worker thread
so the loop keeps serving streams, and a semaphore bounds how many run at once so a burst of logins
cannot exhaust memory.
"""

from __future__ import annotations

import asyncio
import secrets
from functools import cache

from pwdlib import PasswordHash

_hasher = PasswordHash.recommended()


@cache
def _dummy_hash() -> str:
    # A real hash of a random password: verifying against it costs what a real check costs, so a
    # login for an unknown user takes as long as one for a known user (no username enumeration).
    return _hasher.hash(secrets.token_urlsafe(32))


class PasswordHasher:
    def __init__(self, max_concurrency: int = 4) -> None:
        self._slots = asyncio.Semaphore(max_concurrency)

    async def hash(self, password: str) -> str:
        async with self._slots:
            return await asyncio.to_thread(_hasher.hash, password)

    async def verify(self, password: str, password_hash: str | None) -> tuple[bool, str | None]:
        """``(ok, new_hash)``: ``new_hash`` is set when the stored hash uses outdated parameters.

        ``password_hash=None`` (no such user) still spends the time of a real verification.
        """
        async with self._slots:
            if password_hash is None:
                await asyncio.to_thread(_hasher.verify, password, _dummy_hash())
                return False, None
            return await asyncio.to_thread(_hasher.verify_and_update, password, password_hash)


async def warm_up() -> None:
    await asyncio.to_thread(_dummy_hash)
