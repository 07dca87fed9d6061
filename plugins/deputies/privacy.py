"""The private fields: ID number, mobile and address.

They are stored encrypted (Fernet: AES-128-CBC with an HMAC), never serialised
by the API, exports or search documents, and never written to a log. The ID
number also gets a keyed digest (HMAC-SHA256) so a person can be found again
on re-import without decrypting anything. Staff see it masked.

The key comes from the plugin setting ``PRIVATE_DATA_KEY`` (any string;
derived from ``SECRET_KEY`` when empty).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.conf import settings

from cms.services.idnumbers import id_number_problem, mask_id_number, normalise_id_number

# The ID number's rules are the core's (cms.services.idnumbers); named here for this plugin.
__all__ = ["id_number_problem", "mask_id_number", "normalise_id_number"]


def _secret() -> bytes:
    configured = apps.get_app_config("deputies").plugin_settings.get("PRIVATE_DATA_KEY")
    return (configured or settings.SECRET_KEY).encode()


@functools.lru_cache(maxsize=4)
def _keys(secret: bytes) -> tuple[Fernet, bytes]:
    encryption = hashlib.sha256(b"lianxi-deputies-encryption:" + secret).digest()
    digest_key = hashlib.sha256(b"lianxi-deputies-digest:" + secret).digest()
    return Fernet(base64.urlsafe_b64encode(encryption)), digest_key


def encrypt(value: str) -> str:
    if not value:
        return ""
    return _keys(_secret())[0].encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _keys(_secret())[0].decrypt(token.encode()).decode()
    except InvalidToken:
        # Encrypted under another key: show nothing rather than fail the page.
        return ""


def digest(id_number: str) -> str:
    return hmac.new(_keys(_secret())[1], id_number.encode(), hashlib.sha256).hexdigest()


def mask_mobile(value: str) -> str:
    """``13912345678`` → ``139****5678``."""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
