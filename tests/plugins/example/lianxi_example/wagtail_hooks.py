"""Admin screens: one menu group for the plugin, hidden on sites that switched it off."""

from django.utils.translation import gettext_lazy as _
from wagtail_modeladmin.options import modeladmin_register

from cms.plugins.admin import PluginModelAdmin, PluginModelAdminGroup, SiteListFilter

from .models import Entry, Submission


class EntryAdmin(PluginModelAdmin):
    model = Entry
    menu_label = _("条目")
    menu_icon = "list-ul"
    list_display = ("title", "site", "created_at")
    list_filter = (SiteListFilter,)
    search_fields = ("title",)


class SubmissionAdmin(PluginModelAdmin):
    """What users sent the site; a held one is decided in 待审核内容 (the core's queue)."""

    model = Submission
    menu_label = _("来信")
    menu_icon = "mail"
    list_display = ("__str__", "moderation_status", "site", "created_at")
    list_filter = (SiteListFilter, "moderation_status")
    search_fields = ("text",)
    inspect_view_enabled = True


@modeladmin_register
class ExampleAdminGroup(PluginModelAdminGroup):
    items = (EntryAdmin, SubmissionAdmin)
