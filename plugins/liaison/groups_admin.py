"""Admin of 联络群聊 (the office): create, edit and deactivate the group chats of the
user's stations and deputy groups. Each save screens the texts
(``groups.submit``) and publishes or hides the QR image (``groups.sync_qr``).

Imported by ``wagtail_hooks.py``; listed in the plugin's menu group.
"""

from __future__ import annotations

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, ObjectList

from cms.plugins import site_access
from cms.plugins.admin import (
    PluginCreateView,
    PluginEditView,
    PluginModelAdmin,
    PluginModelForm,
    SiteListFilter,
)
from cms.services import directory, uploads

from . import groups
from .groups import GroupChat

LABEL = "liaison"


def owner_choices(site_ids) -> list[tuple[str, str]]:
    """``station:<ref>`` and ``group:<ref>`` of the public stations and current deputy
    groups of ``site_ids``."""
    choices = []
    for site_id in sorted(site_ids):
        choices += [(f"station:{s.ref}", f"联络站:{s.name}")
                    for s in directory.stations(site_id=site_id)]  # fmt: skip
        choices += [(f"group:{g.ref}", f"代表小组:{g.name}")
                    for g in directory.groups(site_id=site_id)]  # fmt: skip
    return choices


class GroupChatForm(PluginModelForm):
    owner = forms.ChoiceField(label="所属联络站或代表小组")
    qr_file = forms.FileField(label="二维码图片", required=False,
                              help_text="JPEG、PNG 或 WebP 图片;审核通过且启用后才公开")  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        held = site_access(self.for_user).plugin_site_ids(LABEL) if self.for_user else set()
        self.fields["owner"].choices = [("", "---------"), *owner_choices(held)]
        if self.instance.pk:
            self.initial["owner"] = f"{self.instance.owner_kind}:{self.instance.owner_ref}"

    def clean(self):
        data = super().clean()
        kind, _sep, ref = (data.get("owner") or "").partition(":")
        owner = groups.owner_of(kind, ref)
        site = data.get("site") or getattr(self.instance, "site", None)
        if data.get("owner") and (owner is None or site is None or owner.site_id != site.pk):
            self.add_error("owner", "请选择本站点的联络站或代表小组。")
        elif owner is not None:
            self.instance.owner_kind, self.instance.owner_ref = kind, owner.ref
            self.instance.owner_name, self.instance.place_code = owner.name, owner.division_code
        file = data.get("qr_file")
        if file is None and not self.instance.qr_id:
            self.add_error("qr_file", "请上传群二维码图片。")
        if file is not None and not self.errors:
            if not (file.content_type or "").startswith("image/"):
                self.add_error("qr_file", "二维码只能是图片。")
            else:
                try:
                    upload = uploads.store(file, site=site, owner=self.for_user)
                except uploads.UploadError as error:
                    self.add_error("qr_file", str(error))
                else:
                    if not upload.content_type.startswith("image/"):
                        self.add_error("qr_file", "二维码只能是图片。")
                    else:
                        self.instance.qr = upload
        return data


class _Submits:
    """After the save: screen the texts, then publish or hide the QR image."""

    def form_valid(self, form):
        old_qr = form.instance.__dict__.get("_old_qr")
        response = super().form_valid(form)
        groups.submit(self.instance, user=self.request.user,
                      new_qr=self.instance.qr_id is not None and self.instance.qr_id != old_qr)  # fmt: skip
        if old_qr and old_qr != self.instance.qr_id:
            groups.set_public(old_qr, False)  # a replaced image goes private
        return response


class GroupChatCreateView(_Submits, PluginCreateView):
    pass


class GroupChatEditView(_Submits, PluginEditView):
    def get_instance(self):
        instance = super().get_instance()
        instance.__dict__["_old_qr"] = instance.qr_id
        return instance


class GroupChatAdmin(PluginModelAdmin):
    model = GroupChat
    menu_label = _("联络群聊")
    menu_icon = "group"
    list_display = ("name", "platform", "owner_name", "place_code", "moderation_status",
                    "is_active", "site", "qr_link")  # fmt: skip
    list_filter = (SiteListFilter, "platform", "owner_kind", "moderation_status", "is_active")
    search_fields = ("name", "owner_name")
    list_select_related = ("site", "qr")
    inspect_view_enabled = False
    create_view_class = GroupChatCreateView
    edit_view_class = GroupChatEditView
    edit_handler = ObjectList(
        [FieldPanel("site"), FieldPanel("owner"), FieldPanel("platform"), FieldPanel("name"),
         FieldPanel("qr_file"), FieldPanel("how_to_join"), FieldPanel("runner_name"),
         FieldPanel("runner_role"), FieldPanel("is_active")],
        base_form_class=GroupChatForm,
    )  # fmt: skip

    def qr_link(self, obj):
        if obj.qr is None:
            return "—"
        return format_html('<a href="/api/v1/uploads/{}/" target="_blank">查看</a>', obj.qr.token)

    qr_link.short_description = _("二维码")
