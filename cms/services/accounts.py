"""Accounts beyond staff: logging in from a mini-program, devices, deputies' accounts.

The one owner of how a deputy, a citizen or a handling unit's staff get an
account and a token (models in ``cms.accounts``)::

    from cms.services import accounts

    accounts.send_login_code("13800000000", ip="…")          # SMS, throttled
    user = accounts.login_with_code("13800000000", "123456")  # a citizen is created
    tokens = accounts.issue_tokens(user, device_id="…", name="iPhone")
    tokens = accounts.refresh_tokens(tokens.refresh_token)    # single use, rotated
    accounts.units_of(user)                                   # handling units' ids

Access tokens are Wagtail's hashed ``APIToken`` rows tied to a :class:`Device`
with a short lifetime; the refresh token is stored as a keyed hash only and
is single-use: presenting a spent one revokes its device (a stolen copy was
used). Mobile numbers and openids are encrypted at rest and found by digest.
Every refusal raises :class:`AccountError` with a code, a Chinese message and
the field it concerns.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from wagtail.models import APIToken

from . import directory, privacy, sms, wechat
from .tasks import task

__all__ = [
    "AccountError",
    "Tokens",
    "bind_wechat",
    "citizen_account",
    "close_deputy_account",
    "contact_for",
    "deputy_users",
    "erase_account",
    "issue_tokens",
    "login_with_code",
    "login_with_wechat",
    "open_deputy_account",
    "open_deputy_refs",
    "refresh_tokens",
    "revoke_device",
    "roles_of",
    "send_login_code",
    "signs_for",
    "units_of",
]

logger = logging.getLogger(__name__)
PURPOSE = "accounts"
REFRESH_PREFIX = "lxr_"


class AccountError(Exception):
    """A refused account operation: ``status`` (HTTP), ``code``, Chinese ``message``, ``field``."""

    def __init__(self, code: str, message: str, *, field: str | None = None, status: int = 400,
                 retry_after: int | None = None):  # fmt: skip
        super().__init__(message)
        self.code, self.message, self.field = code, message, field
        self.status, self.retry_after = status, retry_after


def _setting(name: str, default):
    return getattr(settings, name, default)


def _models():
    from cms.accounts import models

    return models


def _mobile(mobile: str) -> str:
    try:
        return sms.normalize_mobile(mobile)
    except sms.SmsError:
        raise AccountError(
            "invalid-mobile", "请输入有效的中国大陆手机号码。", field="mobile"
        ) from None


def _digest(value: str) -> str:
    return privacy.digest(value, purpose=PURPOSE)


def _code_hash(mobile_digest: str, code: str) -> str:
    return salted_hmac(
        "lianxi-login-code", f"{mobile_digest}:{code}", algorithm="sha256"
    ).hexdigest()


# --- SMS login codes -----------------------------------------------------------------


def send_login_code(mobile: str) -> dict[str, int]:
    """Send a 6-digit code by SMS; refuse a resend within ``LIANXI_LOGIN_CODE_RESEND``
    seconds and more than ``LIANXI_LOGIN_CODE_DAILY`` codes a day to one number."""
    models = _models()
    mobile = _mobile(mobile)
    key = _digest(mobile)
    now = timezone.now()
    ttl = int(_setting("LIANXI_LOGIN_CODE_TTL", 300))
    resend = int(_setting("LIANXI_LOGIN_CODE_RESEND", 60))
    daily = int(_setting("LIANXI_LOGIN_CODE_DAILY", 10))
    recent = models.LoginCode.objects.filter(
        mobile_digest=key, created_at__gte=now - dt.timedelta(days=1)
    )
    last = recent.order_by("-created_at").first()
    if last and (now - last.created_at).total_seconds() < resend:
        wait = resend - int((now - last.created_at).total_seconds())
        raise AccountError("code-too-soon", f"验证码已发送，请 {wait} 秒后再试。", field="mobile",
                           status=429, retry_after=wait)  # fmt: skip
    if recent.count() >= daily:
        raise AccountError("code-daily-limit", "该手机号今日获取验证码次数已达上限，请明天再试。",
                           field="mobile", status=429, retry_after=3600)  # fmt: skip
    code = f"{secrets.randbelow(10**6):06d}"
    row = models.LoginCode.objects.create(
        mobile_digest=key, code_hash=_code_hash(key, code), created_at=now,
        expires_at=now + dt.timedelta(seconds=ttl),
    )  # fmt: skip
    try:
        sms.send_sms(mobile, "login_code", {"code": code, "minutes": str(max(ttl // 60, 1))},
                     reference=f"login-code-{row.pk}")  # fmt: skip
    except sms.SmsError as exc:
        row.delete()
        if exc.permanent:
            raise AccountError(
                "sms-refused", "短信发送失败，请核对手机号码。", field="mobile"
            ) from None
        raise AccountError(
            "sms-unavailable", "短信服务暂时不可用，请稍后再试。", status=503
        ) from None
    return {"expires_in": ttl, "resend_after": resend}


def _check_code(mobile: str, code: str) -> str:
    """The mobile's digest once ``code`` is its latest unused, unexpired code (used up here)."""
    models = _models()
    key = _digest(mobile)
    now = timezone.now()
    max_attempts = int(_setting("LIANXI_LOGIN_CODE_ATTEMPTS", 5))
    wrong = AccountError("invalid-code", "验证码错误或已过期。", field="code")
    with transaction.atomic():  # the wrong try is counted even though the login fails
        row = (
            models.LoginCode.objects.select_for_update()
            .filter(mobile_digest=key, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at")
            .first()
        )
        if row is None or row.attempts >= max_attempts:
            matched = False
        elif constant_time_compare(row.code_hash, _code_hash(key, str(code or "").strip())):
            matched = True
            row.used_at = now
            row.save(update_fields=["used_at"])
        else:
            matched = False
            models.LoginCode.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1)
    if not matched:
        raise wrong
    return key


def login_with_code(mobile: str, code: str):
    """The user behind a verified mobile number; a new citizen account if there is none."""
    models = _models()
    mobile = _mobile(mobile)
    key = _check_code(mobile, code)
    account = models.Account.objects.select_related("user").filter(mobile_digest=key).first()
    if account is None:
        account = _create_account(mobile=mobile)
    _check_open(account)
    if account.mobile_verified_at is None:
        account.mobile_verified_at = timezone.now()
        account.save(update_fields=["mobile_verified_at"])
    return account.user


def citizen_account(mobile: str, display_name: str = ""):
    """The account of a verified mobile number, created if needed (imports, the demo)."""
    mobile = _mobile(mobile)
    account = _models().Account.objects.filter(mobile_digest=_digest(mobile)).first()
    return account or _create_account(mobile=mobile, display_name=display_name)


def _check_open(account) -> None:
    if account.closed_at or not account.user.is_active:
        raise AccountError("account-closed", "该账号已关闭，请联系人大常委会办公室。", status=403)


def _create_account(*, mobile: str = "", openid: str = "", display_name: str = "",
                    directory_ref: str | None = None, verified: bool = True):  # fmt: skip
    models = _models()
    User = get_user_model()
    with transaction.atomic():
        user = User(username=f"u{secrets.token_hex(8)}", is_staff=False)
        user.set_unusable_password()
        user.save()
        account = models.Account(user=user, display_name=display_name, directory_ref=directory_ref)
        if mobile:
            account.mobile_encrypted = privacy.encrypt(mobile, purpose=PURPOSE)
            account.mobile_digest = _digest(mobile)
            account.mobile_verified_at = timezone.now() if verified else None
        if openid:
            account.wechat_openid_encrypted = privacy.encrypt(openid, purpose=PURPOSE)
            account.wechat_openid_digest = _digest(openid)
        account.save()
    return account


# --- WeChat ------------------------------------------------------------------------


def _openid(code: str) -> str:
    try:
        return wechat.get_client().code_to_session(code)
    except wechat.WeChatError as exc:
        if exc.permanent:
            raise AccountError(
                "invalid-wechat-code", "微信登录凭证无效或已使用。", field="code"
            ) from None
        raise AccountError(
            "wechat-unavailable", "微信服务暂时不可用，请稍后再试。", status=503
        ) from None


def login_with_wechat(code: str):
    """The user whose account is bound to the openid behind ``code``.

    An openid nobody has bound answers ``wechat-not-bound`` (403): the
    mini-program then logs in with an SMS code (real-name rules ask for a
    verified mobile) and binds WeChat with :func:`bind_wechat`."""
    models = _models()
    openid = _openid(code)
    account = (
        models.Account.objects.select_related("user")
        .filter(wechat_openid_digest=_digest(openid))
        .first()
    )
    if account is None:
        raise AccountError("wechat-not-bound", "该微信尚未绑定手机号，请先用手机验证码登录。",
                           status=403)  # fmt: skip
    _check_open(account)
    return account.user


def bind_wechat(user, code: str) -> None:
    models = _models()
    openid = _openid(code)
    account = _account_of(user)
    key = _digest(openid)
    if models.Account.objects.filter(wechat_openid_digest=key).exclude(pk=account.pk).exists():
        raise AccountError("wechat-taken", "该微信已绑定其他账号。", field="code", status=409)
    account.wechat_openid_encrypted = privacy.encrypt(openid, purpose=PURPOSE)
    account.wechat_openid_digest = key
    account.save(update_fields=["wechat_openid_encrypted", "wechat_openid_digest"])


def _account_of(user):
    models = _models()
    account, _created = models.Account.objects.get_or_create(user=user)
    return account


# --- tokens and devices --------------------------------------------------------------


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    expires_in: int
    refresh_expires_in: int
    device_id: int


def _refresh_hash(token: str) -> str:
    return salted_hmac("lianxi-refresh-token", token, algorithm="sha256").hexdigest()


def _ttls() -> tuple[int, int]:
    return (int(_setting("LIANXI_ACCESS_TOKEN_TTL", 2 * 3600)),
            int(_setting("LIANXI_REFRESH_TOKEN_TTL", 30 * 86400)))  # fmt: skip


def _new_pair(device) -> Tokens:
    access_ttl, refresh_ttl = _ttls()
    now = timezone.now()
    token, access = APIToken.create_token(
        user=device.user, name=f"移动端 {device.name or device.device_id}"[:255]
    )
    refresh = REFRESH_PREFIX + secrets.token_urlsafe(32)
    device.access_token = token
    device.access_expires_at = now + dt.timedelta(seconds=access_ttl)
    device.refresh_hash = _refresh_hash(refresh)
    device.refresh_expires_at = now + dt.timedelta(seconds=refresh_ttl)
    device.save()
    return Tokens(access, refresh, access_ttl, refresh_ttl, device.pk)


def issue_tokens(user, *, device_id: str, name: str = "") -> Tokens:
    """Log ``user`` in on a device; an earlier login of the same device is revoked."""
    models = _models()
    with transaction.atomic():
        for old in models.Device.objects.filter(
            user=user, device_id=device_id, revoked_at__isnull=True
        ):
            revoke_device(old)
        now = timezone.now()
        device = models.Device(user=user, device_id=device_id, name=name[:100],
                               access_expires_at=now, refresh_expires_at=now)  # fmt: skip
        return _new_pair(device)


def refresh_tokens(refresh_token: str) -> Tokens:
    """A new pair for a valid refresh token; the old pair stops working at once."""
    models = _models()
    invalid = AccountError("invalid-refresh-token", "续期令牌无效、已过期或已被注销。",
                           field="refresh_token", status=401)  # fmt: skip
    if not refresh_token or not refresh_token.startswith(REFRESH_PREFIX):
        raise invalid
    with transaction.atomic():
        device = (
            # Lock the device row only (PostgreSQL refuses FOR UPDATE on an outer join's
            # nullable side: the access token may be gone).
            models.Device.objects.select_for_update(of=("self",)).select_related("user", "access_token")
            .filter(refresh_hash=_refresh_hash(refresh_token)).first()
        )  # fmt: skip
        if device is None:
            raise invalid
        if (
            device.revoked_at
            or device.refresh_expires_at <= timezone.now()
            or not device.user.is_active
        ):
            raise invalid
        if device.access_token_id:
            device.access_token.revoke()
        device.refreshed_at = timezone.now()
        return _new_pair(device)


def revoke_device(device) -> None:
    models = _models()
    now = timezone.now()
    APIToken.objects.filter(pk=device.access_token_id, revoked_at__isnull=True).update(
        revoked_at=now
    )
    models.Device.objects.filter(pk=device.pk).update(revoked_at=now, refresh_hash=None)
    device.revoked_at, device.refresh_hash = now, None


def device_expired(token) -> bool:
    """For the token authentication: a device's access token is past its lifetime."""
    device = getattr(token, "device", None)
    return device is not None and (
        device.revoked_at is not None or device.access_expires_at <= timezone.now()
    )


# --- deputies --------------------------------------------------------------------


def open_deputy_account(ref: str) -> tuple[object, bool]:
    """开通账号: the account of the deputy ``ref`` (the directory's id), created if needed.

    A citizen account with the deputy's mobile number becomes the deputy's (one
    identity); a closed account is opened again. Returns ``(user, created)``."""
    models = _models()
    person = directory.person(ref)
    if person is None:
        raise AccountError("unknown-deputy", "代表名册中没有这位代表。", field="ref")
    if not person.current_seats:
        raise AccountError(
            "no-current-seat", f"{person.name}没有在任的代表职务，不能开通账号。", field="ref"
        )
    mobile = ""
    if person.mobile:
        try:
            mobile = sms.normalize_mobile(person.mobile)
        except sms.SmsError:
            mobile = ""
    if not mobile:
        raise AccountError(
            "no-mobile", f"{person.name}没有登记有效的手机号码，无法用验证码登录。", field="ref"
        )
    with transaction.atomic():
        account = (
            models.Account.objects.select_related("user").filter(directory_ref=str(ref)).first()
        )
        if account is None:
            account = (
                models.Account.objects.select_related("user")
                .filter(mobile_digest=_digest(mobile))
                .first()
            )
            if account is not None and account.directory_ref and account.directory_ref != str(ref):
                other = directory.person(account.directory_ref)
                raise AccountError("mobile-taken", f"{person.name}的手机号码已用于代表{other.name if other else ''}的账号，"
                                   "请在名册中更正手机号码。", field="ref")  # fmt: skip
        created = account is None
        if created:
            try:
                account = _create_account(mobile=mobile, display_name=person.name,
                                          directory_ref=str(ref), verified=False)  # fmt: skip
            except IntegrityError:
                raise AccountError(
                    "account-conflict", "账号已存在，请刷新后再试。", field="ref"
                ) from None
        else:
            account.directory_ref = str(ref)
            account.display_name = person.name
            account.mobile_encrypted = privacy.encrypt(mobile, purpose=PURPOSE)
            account.mobile_digest = _digest(mobile)
            account.closed_at = None
            account.save()
            if not account.user.is_active:
                account.user.is_active = True
                account.user.save(update_fields=["is_active"])
    return account.user, created


def open_deputy_refs() -> list[str]:
    """The directory references of deputies whose accounts are open, oldest account first."""
    return list(
        _models().Account.objects.filter(directory_ref__isnull=False, closed_at__isnull=True)
        .order_by("pk").values_list("directory_ref", flat=True)
    )  # fmt: skip


def deputy_users(refs) -> dict[str, object]:
    """The active users of the open accounts of these directory references (one query),
    keyed by reference: whom a plugin notifies or lets act for a deputy."""
    refs = [str(r) for r in refs if r]
    if not refs:
        return {}
    rows = (
        _models()
        .Account.objects.select_related("user")
        .filter(directory_ref__in=refs, closed_at__isnull=True, user__is_active=True)
    )
    return {row.directory_ref: row.user for row in rows}


def close_deputy_account(ref: str) -> bool:
    """Close the deputy's account when no seat is current any more (a seat ended).

    Returns whether an account was closed; its devices are logged out. A deputy
    who still holds another seat keeps the account."""
    models = _models()
    account = (
        models.Account.objects.select_related("user")
        .filter(directory_ref=str(ref), closed_at__isnull=True)
        .first()
    )
    if account is None:
        return False
    person = directory.person(ref)
    if person is not None and person.current_seats:
        return False
    with transaction.atomic():
        account.closed_at = timezone.now()
        account.save(update_fields=["closed_at"])
        account.user.is_active = False
        account.user.save(update_fields=["is_active"])
        for device in models.Device.objects.filter(user=account.user, revoked_at__isnull=True):
            revoke_device(device)
    return True


# --- roles, units, contacts, erasure ---------------------------------------------------


def units_of(user) -> list[int]:
    """Ids of the active handling units ``user`` works for (plugins filter items by them);
    asked of the request's access policy (``cms.sitegroup.access``), once per request."""
    from cms.sitegroup.access import site_access

    return list(site_access(user).handling_unit_ids)


def signs_for(user, unit) -> bool:
    """May ``user`` sign off (签发) ``unit``'s answers? One of its active staff marked as
    a signer (设置 → 承办单位 → 签发领导)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if unit.pk not in units_of(user):
        return False
    return unit.signers.filter(pk=user.pk).exists()


def roles_of(user) -> list[str]:
    """``staff`` (manages a site), ``deputy``, ``handling_unit``, ``citizen``: what ``user``
    may act as."""
    from cms.sitegroup.access import site_access

    roles = []
    if user.is_staff or site_access(user).whole_tree or site_access(user).site_ids:
        roles.append("staff")
    if any(seat.current for seat in directory.seats_of(user)):
        roles.append("deputy")
    if units_of(user):
        roles.append("handling_unit")
    account = getattr(user, "account", None)
    if account is not None and account.mobile_verified_at and not account.erased_at:
        roles.append("citizen")
    return roles


def own_numbers(user) -> tuple[str, ...]:
    """The person's own contact numbers (a citizen's mobile), for the publication steps'
    check that none reaches a public text (``cms.services.redaction``); never shown."""
    account = getattr(user, "account", None) if user is not None else None
    if account is None or account.erased_at or not account.mobile:
        return ()
    return (account.mobile,)


def contact_for(user, channel: str) -> str | None:
    """The notifications' address resolver: the verified mobile and the WeChat openid."""
    account = getattr(user, "account", None)
    if account is None or account.erased_at:
        return None
    if channel == "sms" and account.mobile_verified_at:
        return account.mobile or None
    if channel == "wechat":
        return account.wechat_openid or None
    return None


def erase_account(user) -> None:
    """Delete a citizen's personal data on request and close the account.

    Deputies and staff keep their accounts (the register and the audit trail
    need them): their offices close them. What the person submitted stays, no
    longer linked to a mobile number or a name."""
    models = _models()
    if user.is_staff or directory.seats_of(user) or units_of(user):
        raise AccountError("erasure-refused", "代表、工作人员和承办单位的账号由人大常委会办公室管理，请联系办公室注销。",
                           status=409)  # fmt: skip
    account = _account_of(user)
    now = timezone.now()
    with transaction.atomic():
        for device in models.Device.objects.filter(user=user, revoked_at__isnull=True):
            revoke_device(device)
        account.mobile_encrypted = account.wechat_openid_encrypted = ""
        account.mobile_digest = account.wechat_openid_digest = None
        account.display_name = ""
        account.erased_at = account.closed_at = now
        account.save()
        user.is_active = False
        user.first_name = user.last_name = user.email = ""
        user.set_unusable_password()
        user.save()
        from cms.notifications.models import Preference

        Preference.objects.filter(user=user).delete()


@task()
def prune_login_codes() -> int:
    """The nightly sweep: SMS codes older than a day are of no use to anyone."""
    models = _models()
    deleted, _ = models.LoginCode.objects.filter(
        created_at__lt=timezone.now() - dt.timedelta(days=1)
    ).delete()
    return deleted
