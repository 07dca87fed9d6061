"""Admin: 网站考评 (the province's view, each site's results, the probe settings) and the
home screen's panel."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail_modeladmin.options import ModelAdmin, modeladmin_register

from cms.plugins import site_access
from cms.plugins.admin import (
    PluginModelAdmin,
    PluginModelAdminGroup,
    PluginPermissionHelper,
    SiteListFilter,
)

from . import admin_views, panels
from .models import SiteMonitor, ThresholdSetting


class OverviewMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.can_see(request)


class MonitorPermissionHelper(PluginPermissionHelper):
    """Only the staff of the site above (the province for its own) change a site's probe."""

    def _switchable(self, user) -> frozenset[int]:
        return site_access(user).switchable_site_ids

    def user_can_create(self, user):
        return super().user_can_create(user) and bool(self._switchable(user))

    def user_can_change_obj(self, user, obj):
        return obj.site_id in self._switchable(user) and super().user_can_change_obj(user, obj)

    def user_can_delete_obj(self, user, obj):
        return obj.site_id in self._switchable(user) and super().user_can_delete_obj(user, obj)


class MonitorAdmin(PluginModelAdmin):
    """站点监测设置: each site's frontend address and probe schedule. A site's settings are
    changed by the staff of the site above it (the province sets its own), like the
    plugin switches, so a site cannot quietly point its probe elsewhere."""

    model = SiteMonitor
    menu_label = _("站点监测设置")
    menu_icon = "site"
    list_display = ("site", "frontend_url", "enabled", "interval_minutes", "timeout_seconds")
    list_filter = (SiteListFilter, "enabled")
    list_select_related = ("site",)
    permission_helper_class = MonitorPermissionHelper

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs.filter(site_id__in=site_access(request).switchable_site_ids)


@modeladmin_register
class EvaluationAdminGroup(PluginModelAdminGroup):
    items = (MonitorAdmin,)
    menu_icon = "tasks"
    menu_order = 530

    def get_submenu_items(self):
        items = [
            OverviewMenuItem(
                _("考评总览"), reverse("evaluation_overview"), icon_name="table", order=1
            ),
            OverviewMenuItem(
                _("考评记录"), reverse("evaluation_runs"), icon_name="history", order=2
            ),
        ]
        for number, item in enumerate(super().get_submenu_items(), start=3):
            item.order = number
            items.append(item)
        return items


@modeladmin_register
class ThresholdAdmin(ModelAdmin):
    """设置 → 考评指标: the province's numbers of the inspection, per level or site (the
    defaults are the 2019 indicators; see thresholds.py). Province-wide: only those who may
    change it see it."""

    model = ThresholdSetting
    menu_label = _("考评指标")
    menu_icon = "cog"
    menu_order = 907
    add_to_settings_menu = True
    list_display = ("key", "level", "site", "value", "note")
    list_filter = ("key", "level")


@hooks.register("register_admin_urls")
def register_urls():
    return admin_views.urls()


@hooks.register("lianxi_home_panels")
def home_panels(request):
    return panels.panels_for(request)
