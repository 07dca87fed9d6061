"""Notifications: the per-account inbox, each account's preferences, the delivery log.

The service that creates and sends them is ``cms.services.notifications``
(public plugin API); these models are core-internal.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

INAPP = "inapp"


class Channel(models.TextChoices):
    INAPP = INAPP, _("站内信")
    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("短信")
    WECHAT = "wechat", _("微信订阅消息")


class Mode(models.TextChoices):
    IMMEDIATE = "immediate", _("即时")
    DIGEST = "digest", _("每日汇总")
    OFF = "off", _("不接收")


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("失败,将重试")
    GAVE_UP = "gave_up", _("放弃发送")
    NO_ADDRESS = "no_address", _("无地址")
    PENDING_DIGEST = "pending_digest", _("待汇总")
    DIGESTED = "digested", _("已汇总")


#: Statuses that will not change any more.
FINAL_STATUSES = (DeliveryStatus.SENT, DeliveryStatus.GAVE_UP, DeliveryStatus.NO_ADDRESS,
                  DeliveryStatus.DIGESTED)  # fmt: skip


class Notification(models.Model):
    """One message in one account's inbox (the in-app channel)."""

    affects_public_api = False  # an inbox is private: no cached public answer shows it

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
        verbose_name=_("接收人"),
    )  # fmt: skip
    site = models.ForeignKey(
        "wagtailcore.Site", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("站点"),
    )  # fmt: skip
    kind = models.CharField(_("类别"), max_length=64, default="general", db_index=True)
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True)
    data = models.JSONField(_("附加数据"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    dedupe_key = models.CharField(
        _("去重键"), max_length=200, blank=True,
        help_text=_("同一接收人同一去重键只通知一次(例如定时提醒)。"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="notif_inbox_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notifications_dedupe_per_user",
            )
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Preference(models.Model):
    """How one account wants one kind of notification on one channel.

    ``kind="*"`` applies to every kind without its own row. Without any row,
    the kind's registered default applies, then the channel's.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences",
        verbose_name=_("用户"),
    )  # fmt: skip
    kind = models.CharField(_("类别"), max_length=64, default="*", help_text=_("* 表示全部类别"))
    channel = models.CharField(
        _("渠道"), max_length=16, choices=[c for c in Channel.choices if c[0] != INAPP]
    )
    mode = models.CharField(_("方式"), max_length=16, choices=Mode.choices)

    class Meta:
        verbose_name = _("通知偏好")
        verbose_name_plural = _("通知偏好")
        ordering = ["user_id", "kind", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "channel"], name="notifications_one_preference"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.channel}: {self.mode}"


class Delivery(models.Model):
    """One send on one channel (the delivery log): what, to whom, how it went.

    A delivery of one notification, a daily digest of several (``digest_date``
    set; the items point to it through ``digest``), or a message to a plain
    e-mail address (no user). Failed sends are retried with backoff until
    ``LIANXI_NOTIFICATION_MAX_ATTEMPTS``; the final outcome stays here.
    """

    affects_public_api = False  # the delivery log is staff-only: no cached public answer shows it

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries",
        verbose_name=_("通知"),
    )  # fmt: skip
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("接收人"),
    )  # fmt: skip
    site = models.ForeignKey(
        "wagtailcore.Site", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("站点"),
    )  # fmt: skip
    kind = models.CharField(_("类别"), max_length=64, default="general")
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    recipient = models.CharField(_("地址"), max_length=200, blank=True)
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED,
        db_index=True,
    )  # fmt: skip
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    next_attempt_at = models.DateTimeField(_("下次尝试"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    external_id = models.CharField(_("网关消息编号"), max_length=100, blank=True)
    digest = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="items",
        verbose_name=_("所属汇总"),
    )  # fmt: skip
    digest_date = models.DateField(_("汇总日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("发送记录")
        verbose_name_plural = _("发送记录")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notif_delivery_due_idx"),
            models.Index(fields=["user", "channel", "status"], name="notif_delivery_digest_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"],
                condition=models.Q(notification__isnull=False),
                name="notifications_one_delivery_per_channel",
            ),
            models.UniqueConstraint(
                fields=["user", "channel", "digest_date"],
                condition=models.Q(digest_date__isnull=False),
                name="notifications_one_digest_per_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.masked_recipient}: {self.subject}"

    @property
    def masked_recipient(self) -> str:
        """The address as shown on screen: 138****5678, z***@example.org, openid ends."""
        value = self.recipient
        if not value:
            return ""
        if self.channel == Channel.SMS and len(value) >= 7:
            return value[:3] + "****" + value[-4:]
        if self.channel == Channel.EMAIL and "@" in value:
            name, _at, domain = value.partition("@")
            return f"{name[:1]}***@{domain}"
        if self.channel == Channel.WECHAT:
            return "…" + value[-4:]
        return value

    masked_recipient.fget.short_description = _("地址")  # the admin's column label
