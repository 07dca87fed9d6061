"""Security keys (WebAuthn/FIDO2) as a second factor: django-otp-webauthn's ceremony
endpoints, mounted in the admin, with the audit entries TOTP has.

The four JSON endpoints live under ``/admin/security/webauthn/`` (not at the site's
root): outside the admin, ``SecondFactorMiddleware`` treats a user who still owes
the second factor as anonymous, and the ceremonies need the password-verified user.
A key is only ever a second factor (``OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN`` is
off), and a user who already bound a factor must give it before adding a key
(django-otp-webauthn's own rule). The page script is ``security/webauthn.js``.
"""

from __future__ import annotations

import json

from django.urls import include, path
from django_otp_webauthn import views as upstream

from cms.services.audit import audit, register_action

KEY_ENROLLED = "lianxi.security_key_enrolled"
KEY_FAILED = "lianxi.security_key_failed"
register_action(KEY_ENROLLED, "绑定安全密钥", "绑定了安全密钥")
register_action(KEY_FAILED, "安全密钥验证失败", "安全密钥验证失败")

NAMESPACE = "otp_webauthn"
#: The endpoints a user who has not yet given the second factor may call.
OPEN_VIEW_NAMES = {
    f"{NAMESPACE}:credential-registration-begin",
    f"{NAMESPACE}:credential-registration-complete",
    f"{NAMESPACE}:credential-authentication-begin",
    f"{NAMESPACE}:credential-authentication-complete",
}


class CompleteRegistration(upstream.CompleteCredentialRegistrationView):
    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        if response.status_code == 200:
            device_id = json.loads(response.content)["id"]
            user = self.request.user
            audit(user, KEY_ENROLLED, user=user, data={"device": device_id, "kind": "webauthn"})
        return response


class CompleteAuthentication(upstream.CompleteCredentialAuthenticationView):
    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        user = self.request.user
        if user.is_authenticated:
            audit(user, KEY_FAILED, user=user, data={"code": getattr(exc, "code", "error")})
        return response


urlpatterns = [
    path(
        "registration/begin/",
        upstream.BeginCredentialRegistrationView.as_view(),
        name="credential-registration-begin",
    ),
    path(
        "registration/complete/",
        CompleteRegistration.as_view(),
        name="credential-registration-complete",
    ),
    path(
        "authentication/begin/",
        upstream.BeginCredentialAuthenticationView.as_view(),
        name="credential-authentication-begin",
    ),
    path(
        "authentication/complete/",
        CompleteAuthentication.as_view(),
        name="credential-authentication-complete",
    ),
]


def admin_urls():
    """For ``register_admin_urls``: the endpoints in the ``otp_webauthn`` namespace."""
    return [path("security/webauthn/", include((urlpatterns, NAMESPACE)))]
