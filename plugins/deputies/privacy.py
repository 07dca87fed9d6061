"""The private fields: ID number, mobile and address.

They are stored encrypted (Fernet: AES-128-CBC with an HMAC), never serialised
by the API, exports or search documents, and never written to a log. The ID
number also gets a keyed digest (HMAC-SHA256) so a person can be found again
on re-import without decrypting anything. Staff see it masked.

Encryption is the core's (``cms.services.privacy``); the key comes from the
plugin setting ``PRIVATE_DATA_KEY`` (any string; the core's
``LIANXI_PRIVATE_DATA_KEY``, then ``SECRET_KEY``, when empty).
"""

from __future__ import annotations

import re

from django.apps import apps

from cms.services import privacy

_ID_NUMBER = re.compile(r"^\d{17}[\dX]$")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
#: Key derivation label: the one the plugin used before the core service existed.
_PURPOSE = "deputies"


def _secret() -> str:
    return apps.get_app_config("deputies").plugin_settings.get("PRIVATE_DATA_KEY") or ""


def encrypt(value: str) -> str:
    return privacy.encrypt(value, purpose=_PURPOSE, secret=_secret())


def decrypt(token: str) -> str:
    # Encrypted under another key: "" (show nothing rather than fail the page).
    return privacy.decrypt(token, purpose=_PURPOSE, secret=_secret())


def digest(id_number: str) -> str:
    return privacy.digest(id_number, purpose=_PURPOSE, secret=_secret())


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
