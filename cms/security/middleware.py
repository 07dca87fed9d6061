"""Middleware of the 等保 controls: session timeouts and the second factor."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect
from django.urls import reverse

from . import sessions
from .twofactor import has_device, requires_second_factor
from .webauthn import OPEN_VIEW_NAMES

ADMIN_PREFIX = "/admin/"


def _is_admin(request) -> bool:
    return request.path.startswith(ADMIN_PREFIX)


class SessionTimeoutMiddleware:
    """Log out a session idle for ``LIANXI_SESSION_IDLE_MINUTES`` or older than the maximum."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get("_auth_user_id"):
            why = sessions.expired(session)
            if why:
                logout(request)
                if _is_admin(request):
                    messages.warning(
                        request,
                        "长时间未操作,已自动退出登录。"
                        if why == "idle"
                        else "登录时间已达上限,请重新登录。",
                    )
            else:
                sessions.touch(session)
        return self.get_response(request)


#: Admin views (names with their namespace) an unverified user may still open: the
#: second factor's screens and the security keys' ceremony endpoints.
OPEN_URL_NAMES = {
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "security_second_factor_enrol",
    "security_second_factor_verify",
    "wagtailadmin_javascript_catalog",
    "wagtailadmin_sprite",
    *OPEN_VIEW_NAMES,
}


class SecondFactorMiddleware:
    """Who must use two factors and has not yet: admin pages lead to enrolment or the code.

    Outside the admin (the API's session authentication), such a user counts
    as anonymous until the second factor is given.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and requires_second_factor(user)
        ):
            if not _is_admin(request):
                request.user = AnonymousUser()
            else:
                if self._url_name(request) not in OPEN_URL_NAMES:
                    target = (
                        "security_second_factor_verify"
                        if has_device(user)
                        else "security_second_factor_enrol"
                    )
                    query = urlencode({"next": request.get_full_path()})
                    return redirect(f"{reverse(target)}?{query}")
        return self.get_response(request)

    @staticmethod
    def _url_name(request):
        from django.urls import Resolver404, resolve

        try:
            return resolve(request.path_info).view_name
        except Resolver404:
            return None
