"""Group chats of stations and deputy groups (群聊): the models and their publication.

A liaison station or a deputy group (``cms.services.directory`` refs) may publish
its WeChat or QQ group: name, QR image, how to join, who runs it (name and role,
never a phone). The office enters it in the admin (联络群聊); its texts are
screened like any public text (``cms.services.moderation.submit``) and held when
they hit a listed word; a new QR image is always held until a moderator has looked at
it (审核 → 待审核内容 shows it). Only approved, active group chats are public, and their
QR image (an ``Upload``) is public exactly then: :func:`sync_qr` is the one rule,
called on every save from the admin and on every moderation decision.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.plugins.db import Moderated, ModerationStatus, SiteOwnedModel
from cms.services import apicache, directory, moderation


class Platform(models.TextChoices):
    WECHAT = "wechat", _("微信群")
    QQ = "qq", _("QQ群")


class OwnerKind(models.TextChoices):
    STATION = "station", _("联络站")
    GROUP = "group", _("代表小组")


class GroupChat(Moderated, SiteOwnedModel):
    """The WeChat or QQ group of a liaison station or a deputy group (联络群聊)."""

    #: What the public reads: screened on every save from the admin.
    moderated_fields = ("name", "how_to_join", "runner_name", "runner_role")
    #: A new QR image always waits for a person's look (where does the code lead?).
    moderated_images = ("qr",)

    owner_kind = models.CharField(_("所属"), max_length=10, choices=OwnerKind.choices)
    #: The station's or the deputy group's ``cms.services.directory`` ref, and its name then.
    owner_ref = models.CharField(_("联络站或代表小组编号"), max_length=32)
    owner_name = models.CharField(_("联络站或代表小组"), max_length=100)
    #: The township (nine digits) or county (six) the station or group is in.
    place_code = models.CharField(_("所在地区划代码"), max_length=9, db_index=True)
    platform = models.CharField(_("平台"), max_length=10, choices=Platform.choices)
    name = models.CharField(_("群名称"), max_length=100)
    qr = models.ForeignKey(
        "moderation.Upload", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("二维码图片"),
    )  # fmt: skip
    how_to_join = models.TextField(_("入群方式"), max_length=1000)
    runner_name = models.CharField(_("群主(管理人)"), max_length=50)
    runner_role = models.CharField(_("管理人职务"), max_length=100, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("联络群聊")
        verbose_name_plural = _("联络群聊")
        ordering = ["place_code", "owner_name", "pk"]
        indexes = [
            models.Index(fields=["site", "is_active", "moderation_status"],
                         name="liaison_chat_site_public"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.name

    @property
    def is_public(self) -> bool:
        return self.is_active and self.moderation_status == ModerationStatus.APPROVED


def public_chats():
    """The group chats the public may see: approved and active."""
    return GroupChat.objects.filter(is_active=True, moderation_status=ModerationStatus.APPROVED)


def owner_of(kind: str, ref: str):
    """The directory's station or deputy group, or ``None``."""
    if kind == OwnerKind.STATION:
        return directory.station(ref)
    if kind == OwnerKind.GROUP:
        return directory.group(ref)
    return None


def sync_qr(chat: GroupChat) -> None:
    """The QR image is public exactly while the group chat is (approved and active)."""
    if chat.qr_id is not None:
        set_public(chat.qr_id, chat.is_public)


def set_public(upload_id: int, public: bool) -> None:
    """Mark one upload (the ``qr`` field's model) public or private."""
    uploads = GroupChat._meta.get_field("qr").related_model.objects
    uploads.filter(pk=upload_id).exclude(public=public).update(public=public)


def submit(chat: GroupChat, *, user, new_qr: bool = False) -> str:
    """Screen a saved group chat (held on a listed word, and while a new QR image waits for
    a person's look in the moderation queue), then publish or hide its QR image."""
    status = moderation.submit(chat, site=chat.site, author=user,
                               images=("qr",) if new_qr else ())  # fmt: skip
    sync_qr(chat)
    return status


def _decided(sender, record, item, status, **kwargs):
    """A moderator decided (a queryset update, no ``post_save``): publish or hide the QR
    image, and forget the site's cached public answers."""
    sync_qr(record)
    from wagtail.models import Site

    site = Site.objects.select_related("profile").get(pk=record.site_id)
    apicache.invalidate_sites(site.profile.division_code)


def _deleted(sender, instance, **kwargs):
    if instance.qr_id is not None:
        set_public(instance.qr_id, False)  # the upload outlives the row (SET_NULL): hide it


def connect() -> None:
    """Called by the app's ``ready()``: a moderator's decision publishes or hides the QR image;
    a deleted group chat's image goes private."""
    from django.db.models.signals import post_delete

    post_delete.connect(_deleted, sender=GroupChat, dispatch_uid="liaison_group_chat_deleted")
    moderation.moderation_decided.connect(_decided, sender=GroupChat,
                                          dispatch_uid="liaison_group_chat")  # fmt: skip
