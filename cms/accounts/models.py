"""Accounts of people who are not (only) staff, their devices and the handling units.

Every person who logs in is a Django user; :class:`Account` holds what the
platform knows of them beyond that, and nothing more than it needs: a
verified mobile number and an optional WeChat openid, both encrypted at rest
(``cms.services.privacy``) with a keyed digest to find them at login. Roles are
not stored here but derived: staff from groups, a deputy from the directory
(``directory_ref``, the deputies register's person), handling-unit staff from
:class:`HandlingUnit` membership, and everyone with a verified mobile may act
as a citizen. Operations live in ``cms.services.accounts``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import APIToken

from cms.sitegroup.models import SiteOwnedModel

PURPOSE = "accounts"


class Account(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account",
        verbose_name=_("用户"),
    )  # fmt: skip
    display_name = models.CharField(_("称呼"), max_length=50, blank=True)
    mobile_encrypted = models.TextField(editable=False, blank=True)
    mobile_digest = models.CharField(max_length=64, unique=True, null=True, editable=False)
    mobile_verified_at = models.DateTimeField(_("手机号验证时间"), null=True, blank=True)
    wechat_openid_encrypted = models.TextField(editable=False, blank=True)
    wechat_openid_digest = models.CharField(max_length=64, unique=True, null=True, editable=False)
    #: The directory's id of the person (a deputy in the deputies register), if any.
    directory_ref = models.CharField(
        _("代表名册编号"), max_length=64, unique=True, null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("开通时间"), auto_now_add=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    erased_at = models.DateTimeField(_("个人信息删除时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("账号")
        verbose_name_plural = _("账号")

    def __str__(self) -> str:
        return self.display_name or self.user.get_username()

    @property
    def mobile(self) -> str:
        from cms.services import privacy

        return privacy.decrypt(self.mobile_encrypted, purpose=PURPOSE)

    @property
    def wechat_openid(self) -> str:
        from cms.services import privacy

        return privacy.decrypt(self.wechat_openid_encrypted, purpose=PURPOSE)


class LoginCode(models.Model):
    """A one-time SMS code; only its keyed hash is stored."""

    mobile_digest = models.CharField(max_length=64, db_index=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")

    def __str__(self) -> str:
        return f"验证码 {self.pk}"


class Device(models.Model):
    """One logged-in device: a short-lived access token (Wagtail's hashed ``APIToken``)
    and a single-use refresh token (its keyed hash), both revoked together."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="devices",
        verbose_name=_("用户"),
    )  # fmt: skip
    device_id = models.CharField(_("设备标识"), max_length=64)
    name = models.CharField(_("设备名称"), max_length=100, blank=True)
    access_token = models.OneToOneField(
        APIToken, on_delete=models.SET_NULL, null=True, blank=True, related_name="device",
        editable=False,
    )  # fmt: skip
    access_expires_at = models.DateTimeField()
    refresh_hash = models.CharField(max_length=64, unique=True, null=True, editable=False)
    refresh_expires_at = models.DateTimeField()
    created_at = models.DateTimeField(_("登录时间"), auto_now_add=True)
    refreshed_at = models.DateTimeField(_("最近续期"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("注销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("登录设备")
        verbose_name_plural = _("登录设备")
        indexes = [models.Index(fields=["user", "device_id"])]

    def __str__(self) -> str:
        return self.name or self.device_id


class UnitKind(models.TextChoices):
    GOVERNMENT = "government", _("政府部门")
    COURT = "court", _("人民法院")
    PROCURATORATE = "procuratorate", _("人民检察院")
    OTHER = "other", _("其他单位")


class HandlingUnit(SiteOwnedModel):
    """A 承办单位: answers the suggestions and messages a site assigns to it.

    Its staff log in to the admin and see only the items assigned to their
    unit (plugins filter with ``cms.services.accounts.units_of(user)``).
    """

    name = models.CharField(_("单位名称"), max_length=100)
    kind = models.CharField(_("单位类别"), max_length=16, choices=UnitKind.choices,
                            default=UnitKind.GOVERNMENT)  # fmt: skip
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="handling_units", blank=True,
        verbose_name=_("工作人员"),
    )  # fmt: skip
    #: Who signs the unit's answers off (签发): a reply drafted by any of the staff
    #: goes out only after one of them approves it (``cms.services.accounts.signs_for``).
    signers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="signing_units", blank=True,
        verbose_name=_("签发领导"), help_text=_("本单位负责签发答复的工作人员(须同时是本单位工作人员)"),
    )  # fmt: skip
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("承办单位")
        verbose_name_plural = _("承办单位")
        ordering = ["site_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="accounts_unit_unique_name")
        ]

    def __str__(self) -> str:
        return self.name
