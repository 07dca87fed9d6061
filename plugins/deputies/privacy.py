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

from django.apps import apps

from cms.services import privacy
from cms.services.idnumbers import id_number_problem, mask_id_number, normalise_id_number

# The ID number's rules are the core's (cms.services.idnumbers); named here for this plugin.
__all__ = ["id_number_problem", "mask_id_number", "normalise_id_number"]
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
