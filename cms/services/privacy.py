"""Personal data at rest: the one place that encrypts, decrypts and digests it.

Private fields (a deputy's ID number, mobile and address; a citizen's mobile
and WeChat openid) are stored encrypted with Fernet (AES-128-CBC with an
HMAC) and never serialised by the API, exports or search documents, nor
written to a log. A keyed digest (HMAC-SHA-256) finds a record again by the
value (a re-imported ID number, a mobile number at login) without decrypting
anything.

Keys are derived from ``LIANXI_PRIVATE_DATA_KEY`` (any string; ``SECRET_KEY``
when empty) and a *purpose*, so two kinds of data never share a key::

    from cms.services import privacy
    stored = privacy.encrypt("13800000000", purpose="accounts")
    privacy.decrypt(stored, purpose="accounts")   # "13800000000"
    privacy.digest("13800000000", purpose="accounts")

A plugin with its own key setting passes it as ``secret``.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

__all__ = ["decrypt", "digest", "encrypt"]


def _secret(secret: str | None) -> bytes:
    return (
        secret or getattr(settings, "LIANXI_PRIVATE_DATA_KEY", "") or settings.SECRET_KEY
    ).encode()


@functools.lru_cache(maxsize=16)
def _keys(secret: bytes, purpose: str) -> tuple[Fernet, bytes]:
    encryption = hashlib.sha256(f"lianxi-{purpose}-encryption:".encode() + secret).digest()
    digest_key = hashlib.sha256(f"lianxi-{purpose}-digest:".encode() + secret).digest()
    return Fernet(base64.urlsafe_b64encode(encryption)), digest_key


def encrypt(value: str, *, purpose: str, secret: str | None = None) -> str:
    if not value:
        return ""
    return _keys(_secret(secret), purpose)[0].encrypt(value.encode()).decode()


def decrypt(token: str, *, purpose: str, secret: str | None = None) -> str:
    """The plaintext, or "" when ``token`` is empty or was encrypted under another key."""
    if not token:
        return ""
    try:
        return _keys(_secret(secret), purpose)[0].decrypt(token.encode()).decode()
    except InvalidToken:
        return ""


def digest(value: str, *, purpose: str, secret: str | None = None) -> str:
    return hmac.new(_keys(_secret(secret), purpose)[1], value.encode(), hashlib.sha256).hexdigest()
