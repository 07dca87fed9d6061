"""``Authorization: Token <key>`` (or ``Bearer <key>``) for DRF, against Wagtail's ``APIToken``.

Wagtail 8 keeps API tokens as a keyed hash (HMAC-SHA-256 over ``SECRET_KEY``
and its fallbacks), shows the key once when it is created and revokes it in
the admin (用户 → API tokens, registered by the ``wagtail.api.v3`` app); its
own authentication is django-ninja's, so this is the DRF equivalent. A token
older than ``LIANXI_API_TOKEN_MAX_AGE_DAYS`` (if set) is refused as expired, and
a mini-program device's token past its lifetime or logged out
(``cms.services.accounts``) likewise.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from wagtail.models import APIToken

from cms.services import accounts

KEYWORDS = (b"token", b"bearer")


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """A revocable token issued in the Wagtail admin, sent as ``Token`` or ``Bearer``."""

    keyword = "Token"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None  # no token: anonymous (or another authentication class)
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Authorization 头的格式应为“Token <令牌>”。"))
        try:
            key = parts[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("令牌无效。")) from None
        token = None
        if APIToken.validate_token_format(key):  # checksum: no query for garbage
            rows = list(
                # the account too: the per-mobile write throttle asks for its number
                APIToken.objects.select_related("user__account", "device")
                .filter(key_hash__in=APIToken.candidate_key_hashes(key), revoked_at__isnull=True)
                .order_by()[:1]  # key hashes are unique: no ordering to compile or sort
            )
            token = rows[0] if rows else None
        if (
            token is None
            or not token.user.is_active
            or self._expired(token)
            or accounts.device_expired(token)
        ):
            raise exceptions.AuthenticationFailed(_("令牌无效、已过期或已被吊销。"))
        self._touch_last_used(token)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword

    @staticmethod
    def _expired(token) -> bool:
        days = getattr(settings, "LIANXI_API_TOKEN_MAX_AGE_DAYS", None)
        return bool(days) and token.created < timezone.now() - timedelta(days=days)

    @staticmethod
    def _touch_last_used(token) -> None:
        interval = getattr(settings, "WAGTAILAPI_TOKEN_LAST_USED_INTERVAL", 60)
        if interval is None:
            return
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() >= interval:
            APIToken.objects.filter(pk=token.pk).update(last_used_at=now)


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The token in the OpenAPI document (drf-spectacular finds it by ``target_class``)."""

    target_class = "cms.apiaccess.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": _(
                "令牌在管理后台(用户 → API tokens)签发,只显示一次:"
                "Authorization: Token <令牌>(或 Bearer <令牌>)。"
            ),
        }
