"""Admin screens of a plugin: site-isolated and hidden where the plugin is off.

A plugin's ``wagtail_hooks.py`` registers one :class:`PluginModelAdminGroup`
holding its :class:`PluginModelAdmin` screens::

    from wagtail_modeladmin.options import modeladmin_register
    from cms.plugins.admin import PluginModelAdmin, PluginModelAdminGroup

    class ThingAdmin(PluginModelAdmin):
        model = Thing                      # a cms.plugins.db.SiteOwnedModel
        list_display = ("title", "site")

    @modeladmin_register
    class HelloAdminGroup(PluginModelAdminGroup):
        items = (ThingAdmin,)              # menu label and order come from the plugin

On top of ``cms.sitegroup.admin.SiteOwnedModelAdmin`` (a user sees and edits
only the rows of the sites they manage), a plugin screen leaves out the sites
that have the plugin switched off: their rows are not listed (their edit and
inspect URLs answer 404), their sites are not offered in the forms, and a user
none of whose sites has the plugin on does not see its menu at all. Nothing is
deleted, so switching the plugin on again shows the rows again.
"""

from __future__ import annotations

from django.db.models import Q
from wagtail_modeladmin.options import ModelAdminGroup

from cms.sitegroup.admin import (
    SiteCreateView,
    SiteEditView,
    SiteListFilter,
    SiteOwnedModelAdmin,
    SitePermissionHelper,
)

from .config import PluginConfig
from .registry import enabled_site_ids, get_plugin

__all__ = ["PluginModelAdmin", "PluginModelAdminGroup", "PluginPermissionHelper", "SiteListFilter"]


def _plugin_of(model) -> PluginConfig:
    config = model._meta.app_config
    if not isinstance(config, PluginConfig):
        raise TypeError(f"{model._meta.label} does not belong to a Lianxi plugin.")
    return config


class PluginPermissionHelper(SitePermissionHelper):
    """Model permissions, the row's site, and the plugin's switch for that site."""

    plugin_label: str = ""

    def _enabled_sites(self, user) -> set[int]:
        """The plugin's switched-on sites, read once per user object (i.e. per request)."""
        cache = user.__dict__.setdefault("_lianxi_plugin_sites", {})
        if self.plugin_label not in cache:
            cache[self.plugin_label] = enabled_site_ids(self.plugin_label)
        return cache[self.plugin_label]

    def _enabled_for(self, user) -> set[int]:
        enabled = self._enabled_sites(user)
        if user.is_superuser:
            return enabled
        return enabled & self._user_site_ids(user)

    def user_can_list(self, user):
        return super().user_can_list(user) and bool(self._enabled_for(user))

    def user_can_create(self, user):
        return super().user_can_create(user) and bool(self._enabled_for(user))

    def user_can_see_obj(self, user, obj) -> bool:
        site_id = self._site_id(obj)
        if site_id is not None and site_id not in self._enabled_sites(user):
            return False
        return super().user_can_see_obj(user, obj)

    def user_can_change_obj(self, user, obj) -> bool:
        site_id = self._site_id(obj)
        if site_id is not None and site_id not in self._enabled_sites(user):
            return False
        return super().user_can_change_obj(user, obj)


class _EnabledSitesFormMixin:
    def get_form(self):
        form = super().get_form()
        field = form.fields.get(self.model_admin.site_field)
        if field is not None:
            field.queryset = field.queryset.filter(
                pk__in=enabled_site_ids(self.model_admin.plugin_label)
            )
        return form


class PluginCreateView(_EnabledSitesFormMixin, SiteCreateView):
    pass


class PluginEditView(_EnabledSitesFormMixin, SiteEditView):
    pass


class PluginModelAdmin(SiteOwnedModelAdmin):
    """A plugin's ``ModelAdmin``: site-isolated and limited to sites with the plugin on."""

    permission_helper_class = PluginPermissionHelper
    create_view_class = PluginCreateView
    edit_view_class = PluginEditView
    #: Defaults to the plugin that owns ``model``.
    plugin_label: str = ""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plugin_label = self.plugin_label or _plugin_of(self.model).label
        if isinstance(self.permission_helper, PluginPermissionHelper):
            self.permission_helper.plugin_label = self.plugin_label

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        enabled = enabled_site_ids(self.plugin_label)
        condition = Q(**{f"{self.site_field}_id__in": enabled})
        if self.include_global:
            condition |= Q(**{f"{self.site_field}__isnull": True})
        return qs.filter(condition)


class PluginModelAdminGroup(ModelAdminGroup):
    """One menu group per plugin, labelled with the plugin's Chinese name."""

    #: Defaults to the plugin that owns the first item's model.
    plugin_label: str = ""
    menu_icon = "folder-open-inverse"

    def __init__(self):
        super().__init__()
        if not self.plugin_label and self.items:
            self.plugin_label = _plugin_of(self.items[0].model).label

    @property
    def plugin(self) -> PluginConfig:
        return get_plugin(self.plugin_label)

    def get_menu_label(self):
        return self.menu_label or self.plugin.verbose_name

    def get_menu_order(self):
        return self.menu_order or 500
