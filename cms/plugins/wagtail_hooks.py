"""Admin screen for the per-site plugin switches (设置 → 插件启用).

The province's administrators see every site's switches; a city's staff who
manage their counties see the counties' switches (the site-access policy's
``switchable_site_ids``, ``cms.sitegroup.access``).
Rows are created for every site and plugin, so the screen is a complete list
to filter by plugin or search by site; only the "启用" box is editable, and
every change goes through ``set_enabled`` (audit log, never deletes data).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin import SimpleListFilter
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin, modeladmin_register
from wagtail_modeladmin.views import EditView

from cms.sitegroup.access import site_access

from .models import PluginSwitch
from .registry import get_plugins, set_enabled


class PluginListFilter(SimpleListFilter):
    title = _("插件")
    parameter_name = "plugin"

    def lookups(self, request, model_admin):
        return [(p.label, p.verbose_name) for p in get_plugins()]

    def queryset(self, request, queryset):
        return queryset.filter(plugin=self.value()) if self.value() else queryset


class PluginSwitchPermissionHelper(PermissionHelper):
    def user_can_list(self, user):
        return super().user_can_list(user) and bool(site_access(user).switchable_site_ids)

    def user_can_create(self, user):
        return False  # rows exist for every site and plugin

    def user_can_delete_obj(self, user, obj):
        return False  # switching off is the way; nothing is deleted

    def user_can_edit_obj(self, user, obj):
        return (
            super().user_can_edit_obj(user, obj)
            and obj.site_id in site_access(user).switchable_site_ids
        )

    def user_can_inspect_obj(self, user, obj):
        return False


class PluginSwitchEditView(EditView):
    def dispatch(self, request, *args, **kwargs):
        if not self.permission_helper.user_can_edit_obj(request.user, self.instance):
            from django.http import Http404

            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        switch = set_enabled(
            self.instance.plugin,
            self.instance.site_id,
            bool(form.cleaned_data["enabled"]),
            user=self.request.user,
        )
        messages.success(self.request, self.get_success_message(switch))
        return redirect(self.get_success_url())


@modeladmin_register
class PluginSwitchAdmin(ModelAdmin):
    model = PluginSwitch
    menu_label = _("插件启用")
    menu_icon = "cogs"
    add_to_settings_menu = True
    permission_helper_class = PluginSwitchPermissionHelper
    edit_view_class = PluginSwitchEditView
    list_display = ("plugin_name", "site_label", "state", "updated_at", "updated_by")
    list_filter = (PluginListFilter, "enabled")
    search_fields = ("site__profile__name", "site__profile__division_code", "plugin")
    panels = [FieldPanel("enabled")]

    def state(self, obj):
        return _("启用") if obj.enabled else _("停用")

    state.short_description = _("状态")

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("site__profile", "updated_by")
        if request.user.is_superuser:
            return qs
        return qs.filter(site_id__in=site_access(request).switchable_site_ids)
