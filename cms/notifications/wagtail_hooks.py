"""Admin: 设置 → 发送记录 (the delivery log, read-only) and 设置 → 通知偏好.

The delivery log is scoped like every site-owned screen: a site's senior staff
(granted ``notifications.view_delivery`` with the site) see their sites'
sends, superusers every send. Addresses are shown masked.
"""

from django.utils.translation import gettext_lazy as _
from wagtail_modeladmin.options import ModelAdmin, modeladmin_register

from cms.sitegroup.admin import SiteListFilter, SiteOwnedModelAdmin, SitePermissionHelper

from .models import Delivery, Preference


class ReadOnlyPermissionHelper(SitePermissionHelper):
    """The log is written by the service only: nobody adds, edits or deletes rows."""

    def user_can_create(self, user):
        return False

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


class DeliveryAdmin(SiteOwnedModelAdmin):
    model = Delivery
    menu_label = _("发送记录")
    menu_icon = "mail"
    menu_order = 920
    add_to_settings_menu = True
    permission_helper_class = ReadOnlyPermissionHelper
    inspect_view_enabled = True
    list_display = ("created_at", "channel", "masked_recipient", "subject", "status", "attempts",
                    "sent_at", "site")  # fmt: skip
    list_filter = ("status", "channel", SiteListFilter)
    search_fields = ("subject",)
    list_select_related = ("site",)
    inspect_view_fields = ("created_at", "site", "kind", "channel", "masked_recipient", "subject",
                           "body", "url", "status", "attempts", "last_error", "next_attempt_at",
                           "sent_at", "external_id", "digest", "digest_date")  # fmt: skip


class PreferenceAdmin(ModelAdmin):
    """A user's notification preferences (accounts set their own through the API)."""

    model = Preference
    menu_label = _("通知偏好")
    menu_icon = "user"
    menu_order = 921
    add_to_settings_menu = True
    list_display = ("user", "kind", "channel", "mode")
    list_filter = ("channel", "mode")
    search_fields = ("user__username", "kind")
    list_select_related = ("user",)


modeladmin_register(DeliveryAdmin)
modeladmin_register(PreferenceAdmin)
