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

Every form of a ``PluginModelAdmin`` is a :class:`PluginModelForm` (also when
the screen names its own ``base_form_class``, which then gets it mixed in): each
choice of a foreign key or many-to-many field to ``Site``, ``SiteProfile`` or a
site-owned model offers only the rows the user holds on sites with the owning
plugin on, so posting another site's id is a field error, not a way in. Which
sites a user holds is the site-access policy's answer (``cms.plugins.site_access``).
"""

from __future__ import annotations

from django.db.models import Q
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.models import Site
from wagtail_modeladmin.options import ModelAdminGroup

from cms.sitegroup.access import site_access
from cms.sitegroup.admin import (
    SiteCreateView,
    SiteEditView,
    SiteListFilter,
    SiteOwnedModelAdmin,
    SitePermissionHelper,
)
from cms.sitegroup.models import SiteOwnedModel, SiteProfile

from .config import PluginConfig
from .registry import get_plugin

__all__ = [
    "PluginModelAdmin",
    "PluginModelAdminGroup",
    "PluginModelForm",
    "PluginPermissionHelper",
    "SiteListFilter",
]


def _plugin_of(model) -> PluginConfig:
    config = model._meta.app_config
    if not isinstance(config, PluginConfig):
        raise TypeError(f"{model._meta.label} does not belong to a Lianxi plugin.")
    return config


def _plugin_label(model) -> str | None:
    config = model._meta.app_config
    return config.label if isinstance(config, PluginConfig) else None


def scoped_choices(queryset, user, plugin_label: str | None):
    """``queryset`` of a choice field narrowed to what ``user`` may pick, or ``None``
    when its model is not scoped by site (a user, an image, a tag...)."""
    access = site_access(user)
    model = queryset.model
    if model is Site or model is SiteProfile:
        field = "pk" if model is Site else "site_id"
        if plugin_label is not None:
            ids = access.plugin_site_ids(plugin_label)
        elif access.is_superuser:
            return queryset
        else:
            ids = access.record_site_ids
        return queryset.filter(**{f"{field}__in": ids})
    if not issubclass(model, SiteOwnedModel):
        return None
    # The model's own ``for_user`` (people are held through their seats too).
    for_user = getattr(queryset, "for_user", None)
    if for_user is not None:
        queryset = for_user(user)
    elif not access.is_superuser:
        queryset = queryset.filter(access.records_q(model))
    label = _plugin_label(model)
    if label is not None and hasattr(queryset, "for_sites"):
        queryset = queryset.for_sites(access.enabled_site_ids(label))
    return queryset.select_related(*model.label_related) if model.label_related else queryset


class PluginModelForm(WagtailAdminModelForm):
    """Every choice of a related site, site profile or site-owned record is limited to
    the rows the user holds on sites that have the (related record's) plugin on."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if user is None:
            return
        own_plugin = _plugin_label(self._meta.model)
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is None:
                continue
            scoped = scoped_choices(queryset, user, own_plugin)
            if scoped is not None:
                field.queryset = scoped


class PluginPermissionHelper(SitePermissionHelper):
    """Model permissions, the row's site, and the plugin's switch for that site."""

    plugin_label: str = ""

    def _enabled_sites(self, user) -> frozenset[int]:
        return site_access(user).enabled_site_ids(self.plugin_label)

    def _enabled_for(self, user) -> frozenset[int]:
        """The sites whose rows of this plugin the user holds, with the plugin on."""
        return site_access(user).plugin_site_ids(self.plugin_label)

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
                pk__in=site_access(self.request).enabled_site_ids(self.model_admin.plugin_label)
            )
        return form


class PluginCreateView(_EnabledSitesFormMixin, SiteCreateView):
    pass


class PluginEditView(_EnabledSitesFormMixin, SiteEditView):
    pass


class PluginModelAdmin(SiteOwnedModelAdmin):
    """A plugin's ``ModelAdmin``: site-isolated, limited to sites with the plugin on,
    and its forms' choices limited to the user's records (:class:`PluginModelForm`)."""

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
        self._scoped_forms = {}

    def get_edit_handler(self):
        """The screen's panels with a :class:`PluginModelForm` as their base form."""
        handler = super().get_edit_handler()
        base = handler.base_form_class or getattr(
            self.model, "base_form_class", WagtailAdminModelForm
        )
        if not issubclass(base, PluginModelForm):
            if base not in self._scoped_forms:
                self._scoped_forms[base] = (
                    PluginModelForm
                    if base is WagtailAdminModelForm
                    else type(f"Scoped{base.__name__}", (PluginModelForm, base), {})
                )
            base = self._scoped_forms[base]
        if handler.base_form_class is not base:
            handler = handler.clone()
            handler.base_form_class = base
        return handler

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        enabled = site_access(request).enabled_site_ids(self.plugin_label)
        if self.site_field == "site" and not self.include_global and hasattr(qs, "for_sites"):
            return qs.for_sites(enabled)
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
