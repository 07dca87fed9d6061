"""The second factor's screens: enrol an authenticator app or a security key, give a
code or use the key, list and reset (security admin). The security keys' ceremonies
are django-otp-webauthn's JSON endpoints (``cms.security.webauthn``)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from cms.services.audit import audit, register_action

from . import twofactor

ENROLLED = "lianxi.second_factor_enrolled"
VERIFY_FAILED = "lianxi.second_factor_failed"
RESET = "lianxi.second_factor_reset"
register_action(ENROLLED, "绑定动态口令", "绑定了动态口令")
register_action(VERIFY_FAILED, "动态口令错误", "动态口令校验失败")
register_action(RESET, "重置第二因素", "重置了用户的动态口令和安全密钥")


class CodeForm(forms.Form):
    code = forms.RegexField(
        label="动态口令",
        regex=r"^\d{6}$",
        max_length=6,
        error_messages={
            "invalid": "请输入认证器上显示的 6 位数字。",
            "required": "请输入动态口令。",
        },
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("wagtailadmin_home")


def _check(request, device, form) -> bool:
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        form.add_error("code", "错误次数过多,请稍后再试。")
        return False
    if device.verify_token(form.cleaned_data["code"]):
        return True
    form.add_error("code", "动态口令不正确或已过期。")
    audit(request.user, VERIFY_FAILED, user=request.user, data={"device": device.pk})
    return False


def _login_required(request):
    if not request.user.is_authenticated:
        return redirect(reverse("wagtailadmin_login"))
    return None


def _key_context(request) -> dict:
    return {"security_keys": twofactor.security_keys(request.user).order_by("created_at")}


def enrol(request):
    """Bind an authenticator app (scan the QR code or type the key, then give a code), or
    a security key. A verified user comes here to add a security key."""
    if (response := _login_required(request)) is not None:
        return response
    user = request.user
    if twofactor.has_device(user) and not user.is_verified():
        return redirect(f"{reverse('security_second_factor_verify')}?next={_next(request)}")
    if twofactor.has_totp(user):  # verified: only a security key to add
        return TemplateResponse(
            request, "security/add_key.html", {"next": _next(request), **_key_context(request)}
        )
    device = twofactor.pending_device(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _check(request, device, form):
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        otp_login(request, device)
        audit(request.user, ENROLLED, user=request.user, data={"device": device.pk})
        messages.success(request, "动态口令已绑定。今后登录时请输入认证器上的 6 位数字。")
        return redirect(_next(request))
    return TemplateResponse(
        request,
        "security/enrol.html",
        {
            "form": form,
            "next": _next(request),
            "qr_svg": twofactor.qr_svg(device),
            "secret": twofactor.secret(device),
            **_key_context(request),
        },
    )


def verify(request):
    """After the password: the code of the bound authenticator, or a bound security key."""
    if (response := _login_required(request)) is not None:
        return response
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    has_key = twofactor.has_security_key(request.user)
    if device is None and not has_key:
        return redirect(f"{reverse('security_second_factor_enrol')}?next={_next(request)}")
    form = CodeForm(request.POST or None) if device is not None else None
    if request.method == "POST" and form is not None:
        if form.is_valid() and _check(request, device, form):
            otp_login(request, device)
            return redirect(_next(request))
    return TemplateResponse(
        request,
        "security/verify.html",
        {"form": form, "next": _next(request), "has_key": has_key},
    )


def _manager(request):
    if not request.user.has_perm("security.manage_second_factor"):
        raise PermissionDenied


def devices(request):
    """The security administrator's list: who must use two factors, who has bound one."""
    _manager(request)
    User = get_user_model()
    bound = set(TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True))
    keys: dict[int, int] = {}
    for user_id in twofactor.security_keys().values_list("user_id", flat=True):
        keys[user_id] = keys.get(user_id, 0) + 1
    users = [
        {
            "user": u,
            "required": twofactor.requires_second_factor(u),
            "bound": u.pk in bound,
            "keys": keys.get(u.pk, 0),
        }
        for u in User.objects.filter(is_active=True).order_by("username")
    ]
    return TemplateResponse(request, "security/devices.html", {"users": users})


@require_POST
def reset(request, user_id: int):
    """Remove a user's authenticator and security keys: the next login binds a new one."""
    _manager(request)
    user = get_object_or_404(get_user_model(), pk=user_id)
    if user.is_superuser and not request.user.is_superuser:
        raise PermissionDenied
    removed = twofactor.remove_devices(user)
    audit(user, RESET, user=request.user, data={"username": user.get_username(), **removed})
    messages.success(request, f"已重置 {user.get_username()} 的动态口令和安全密钥。")
    return redirect("security_second_factor_devices")
