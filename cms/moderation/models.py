"""What users submit through the API and what staff decide about it.

* :class:`Moderated`: the abstract base of a plugin's user-submitted record
  (a suggestion, a message, a comment): its ``moderation_status``. A record is
  ``pending`` when the sensitive-word screen held it (never published), then
  ``approved`` or ``rejected`` (with a reason the author sees); a clean one is
  ``approved`` at once.
* :class:`ModerationItem`: one held submission in its site's queue, with the
  original text kept and the edited text, if staff edited it.
* :class:`Upload`: an attachment (image re-encoded without EXIF), private
  until the record it belongs to is approved.

The operations are in ``cms.services.moderation`` and ``cms.services.uploads``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.sitegroup.models import SiteOwnedModel


class Status(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("已退回")


class Moderated(models.Model):
    """A user-submitted record: held for moderation when its text hits a listed word."""

    #: The fields whose text users write (screened on submission, editable by moderators).
    moderated_fields: tuple[str, ...] = ()
    #: What users submit is no "usage" of a page or image in the admin: Wagtail's
    #: reference index skips it (a savepoint and two queries less per write).
    wagtail_reference_index_ignore = True

    moderation_status = models.CharField(
        _("审核状态"), max_length=10, choices=Status.choices, default=Status.APPROVED, db_index=True
    )
    moderation_reason = models.CharField(_("退回理由"), max_length=500, blank=True)

    class Meta:
        abstract = True


class ModerationItem(SiteOwnedModel):
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64)
    record = GenericForeignKey("content_type", "object_id")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("提交人"),
    )  # fmt: skip
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING,
                              db_index=True)  # fmt: skip
    #: The words that held it: [{"word", "kind", "replacement", "field"}].
    hits = models.JSONField(_("命中的词"), default=list)
    original = models.JSONField(_("原文"), default=dict)
    edited = models.JSONField(_("修改后"), default=dict, blank=True)
    reason = models.CharField(_("退回理由"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("审核人"),
    )  # fmt: skip
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("待审核内容")
        verbose_name_plural = _("待审核内容")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="moderation_one_item_per_record"
            )
        ]

    def __str__(self) -> str:
        return f"{self.content_type.name} #{self.object_id}"


def upload_path(instance, filename: str) -> str:
    return f"uploads/{timezone.now():%Y/%m}/{instance.token}{instance.extension}"


class Upload(SiteOwnedModel):
    """An attachment a user sent; served only to its owner and the site's staff until public."""

    token = models.CharField(max_length=32, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    file = models.FileField(upload_to=upload_path, max_length=200)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    extension = models.CharField(max_length=10)
    #: Set by the plugin when the record it is attached to is published.
    public = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return self.name
