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
import re

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.conf import settings

_ID_NUMBER = re.compile(r"^\d{17}[\dX]$")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


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


def normalise_id_number(value: str | None) -> str:
    return re.sub(r"\s", "", str(value or "")).upper()


def id_number_problem(value: str) -> str | None:
    """Why ``value`` is not a valid resident ID number (GB 11643-1999), or None."""
    if not _ID_NUMBER.match(value):
        return "应为 18 位，前 17 位为数字，最后一位为数字或 X"
    total = sum(int(d) * w for d, w in zip(value[:17], _WEIGHTS, strict=True))
    if _CHECK[total % 11] != value[17]:
        return "校验码不正确"
    return None


def mask_id_number(value: str) -> str:
    """``340104199001011234`` → ``3401**********1234``."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_mobile(value: str) -> str:
    """``13912345678`` → ``139****5678``."""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
