"""Who needs a second factor, and their devices: a TOTP authenticator (django-otp) and
security keys (WebAuthn/FIDO2, django-otp-webauthn). Either one verifies a login."""

from __future__ import annotations

import base64

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

PERMISSION = "security.requires_second_factor"
DEVICE_NAME = "动态口令"


def requires_second_factor(user) -> bool:
    """Superusers, and members of a group with ``security.requires_second_factor``."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or user.has_perm(PERMISSION)


def has_totp(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def security_keys(user=None):
    """Confirmed security keys (of ``user``, or everyone's)."""
    from django_otp_webauthn.models import WebAuthnCredential

    keys = WebAuthnCredential.objects.filter(confirmed=True)
    return keys if user is None else keys.filter(user=user)


def has_security_key(user) -> bool:
    return security_keys(user).exists()


def has_device(user) -> bool:
    """Whether the user has bound a second factor (an authenticator or a security key)."""
    return has_totp(user) or has_security_key(user)


def remove_devices(user) -> dict[str, int]:
    """Remove every second factor of ``user``; how many of each were removed."""
    from django_otp_webauthn.models import WebAuthnCredential

    totp, _ = TOTPDevice.objects.filter(user=user).delete()
    keys = WebAuthnCredential.objects.filter(user=user).count()
    WebAuthnCredential.objects.filter(user=user).delete()
    return {"totp": totp, "security_keys": keys}


def pending_device(user) -> TOTPDevice:
    """The user's unconfirmed device (the one being enrolled), made if needed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret(device: TOTPDevice) -> str:
    """The shared secret as authenticator apps expect it (base32, no padding)."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def qr_svg(device: TOTPDevice) -> str:
    import segno

    return segno.make(device.config_url, error="m").svg_inline(scale=4)


def demo_key_hex() -> str:
    """The demo users' shared secret (``LIANXI_DEMO_TOTP_SEED``, base32) as django-otp's hex key."""
    seed = settings.LIANXI_DEMO_TOTP_SEED.upper()
    return base64.b32decode(seed + "=" * (-len(seed) % 8)).hex()


def set_device(user, key_hex: str) -> TOTPDevice:
    """Give ``user`` one confirmed device with ``key_hex`` (demo and tests)."""
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, key=key_hex, confirmed=True)
