"""Admin screens: one menu group for the plugin, hidden on sites that switched it off."""

from django.utils.translation import gettext_lazy as _
from wagtail_modeladmin.options import modeladmin_register

from cms.plugins.admin import PluginModelAdmin, PluginModelAdminGroup, SiteListFilter

from .models import Entry


class EntryAdmin(PluginModelAdmin):
    model = Entry
    menu_label = _("条目")
    menu_icon = "list-ul"
    list_display = ("title", "site", "created_at")
    list_filter = (SiteListFilter,)
    search_fields = ("title",)


@modeladmin_register
class ExampleAdminGroup(PluginModelAdminGroup):
    items = (EntryAdmin,)
