"""Secrets kept at rest so that they can be used again (webhook signing secrets, trigger secrets).

Unlike passwords and API keys, which are only ever compared and so are stored hashed, a signing
secret must be read back to sign each delivery (or check each inbound signature). They are stored
encrypted (Fernet: AES-128-CBC with HMAC-SHA256) under a key derived with HKDF from the service
secret key (``UNDERWAY_SECRET_KEY`` or ``<data_dir>/secret_key``), so a copy of the database alone
does not reveal them. Changing the service secret key makes them unreadable: rotate each endpoint's
and trigger's secret afterwards.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_INFO = b"underway webhook secrets v1"


class SecretUnreadable(Exception):
    """A stored secret was sealed under another service secret key."""


class SecretBox:
    def __init__(self, service_key: str) -> None:
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
            service_key.encode("utf-8")
        )
        self._fernet = Fernet(base64.urlsafe_b64encode(derived))

    def seal(self, secret: str) -> str:
        return self._fernet.encrypt(secret.encode("utf-8")).decode("ascii")

    def open(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode("ascii")).decode("utf-8")
        except InvalidToken:
            raise SecretUnreadable(
                "this secret was stored under another UNDERWAY_SECRET_KEY; rotate it"
            ) from None
