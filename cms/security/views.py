"""The second factor's screens: enrol an authenticator, give a code, reset (security admin)."""

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
register_action(RESET, "重置动态口令", "重置了用户的动态口令")


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


def enrol(request):
    """Bind an authenticator app: scan the QR code (or type the key), then give a code."""
    if (response := _login_required(request)) is not None:
        return response
    if twofactor.has_device(request.user):
        return redirect(f"{reverse('security_second_factor_verify')}?next={_next(request)}")
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
        },
    )


def verify(request):
    """Give the code of the bound authenticator after the password."""
    if (response := _login_required(request)) is not None:
        return response
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        return redirect(f"{reverse('security_second_factor_enrol')}?next={_next(request)}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _check(request, device, form):
        otp_login(request, device)
        return redirect(_next(request))
    return TemplateResponse(request, "security/verify.html", {"form": form, "next": _next(request)})


def _manager(request):
    if not request.user.has_perm("security.manage_second_factor"):
        raise PermissionDenied


def devices(request):
    """The security administrator's list: who must use two factors, who has bound one."""
    _manager(request)
    User = get_user_model()
    bound = set(TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True))
    users = [
        {"user": u, "required": twofactor.requires_second_factor(u), "bound": u.pk in bound}
        for u in User.objects.filter(is_active=True).order_by("username")
    ]
    return TemplateResponse(request, "security/devices.html", {"users": users})


@require_POST
def reset(request, user_id: int):
    """Remove a user's authenticator: the next login binds a new one."""
    _manager(request)
    user = get_object_or_404(get_user_model(), pk=user_id)
    if user.is_superuser and not request.user.is_superuser:
        raise PermissionDenied
    TOTPDevice.objects.filter(user=user).delete()
    audit(user, RESET, user=request.user, data={"username": user.get_username()})
    messages.success(request, f"已重置 {user.get_username()} 的动态口令。")
    return redirect("security_second_factor_devices")
