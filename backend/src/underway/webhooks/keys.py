"""Signing secrets: made, sealed at rest, rotated with an overlap, and opened to sign.

An endpoint has its own secret; an owner has one default secret for the one-off ``callback_url``
deliveries of their submissions (made on first use). A rotation keeps the previous secret signing
too until the overlap ends, so receivers can switch without missing a delivery.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from underway.store.timeutil import as_utc_or_none
from underway.webhooks.repository import WebhookRepository
from underway.webhooks.secret_box import SecretBox
from underway.webhooks.signing import new_secret

DEFAULT_OVERLAP_S = 24 * 3600


class SigningKeys:
    def __init__(self, repo: WebhookRepository, box: SecretBox) -> None:
        self._repo = repo
        self._box = box

    def seal_new(self) -> tuple[str, str]:
        """A fresh secret and its sealed form."""
        secret = new_secret()
        return secret, self._box.seal(secret)

    def rotated(self, current_sealed: str, now: datetime, overlap_s: float) -> tuple[str, dict[str, object]]:
        """A new secret, and the column values that install it with the current one overlapping."""
        secret, sealed = self.seal_new()
        return secret, {
            "secret": sealed,
            "previous_secret": current_sealed if overlap_s > 0 else None,
            "previous_secret_expires_at": now + timedelta(seconds=overlap_s) if overlap_s > 0 else None,
        }

    def usable(
        self, current: str, previous: str | None, previous_until: datetime | None, now: datetime
    ) -> list[str]:
        """The secrets that sign now: the current one, and the previous one during its overlap."""
        secrets = [self._box.open(current)]
        if previous is not None and previous_until is not None and previous_until > now:
            secrets.append(self._box.open(previous))
        return secrets

    async def owner_secrets(self, owner: str, now: datetime) -> list[str]:
        """The owner's default secrets (made now if they have none yet)."""
        row = await self._repo.signing_secret(owner)
        if row is None:
            _, sealed = self.seal_new()
            await self._repo.put_signing_secret(
                {"owner": owner, "secret": sealed, "created_at": now}, only_if_absent=True
            )
            row = await self._repo.signing_secret(owner)
            assert row is not None
        return self.usable(
            row["secret"], row["previous_secret"], as_utc_or_none(row["previous_secret_expires_at"]), now
        )

    async def rotate_owner_secret(self, owner: str, now: datetime, overlap_s: float) -> str:
        row = await self._repo.signing_secret(owner)
        if row is None:
            secret, sealed = self.seal_new()
            values: dict[str, object] = {
                "secret": sealed,
                "previous_secret": None,
                "previous_secret_expires_at": None,
            }
        else:
            secret, values = self.rotated(row["secret"], now, overlap_s)
        await self._repo.put_signing_secret(
            {"owner": owner, "created_at": now, **values}, only_if_absent=False
        )
        return secret
