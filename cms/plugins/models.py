"""Per-site plugin switches (the ``pluginregistry`` app's one model).

Switching a plugin off never deletes its data: the switch only decides what the
site's API, admin menus, demo fixtures and signal receivers see.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site


class PluginSwitch(models.Model):
    """Whether one plugin is switched on for one site of the group.

    A site with no row for a plugin follows the plugin's ``enabled_by_default``;
    rows are created for every site and plugin (``sync_switches``) so that the
    admin lists them all.
    """

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="plugin_switches", verbose_name=_("站点")
    )
    plugin = models.CharField(_("插件"), max_length=100, db_index=True)
    enabled = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("修改人"),
    )

    class Meta:
        verbose_name = _("插件启用")
        verbose_name_plural = _("插件启用")
        ordering = ["plugin", "site__profile__division_code"]
        constraints = [
            models.UniqueConstraint(fields=["site", "plugin"], name="pluginswitch_site_plugin")
        ]

    def __str__(self) -> str:
        state = _("启用") if self.enabled else _("停用")
        return f"{self.plugin_name} · {self.site_label}: {state}"

    @property
    def plugin_name(self) -> str:
        from .registry import get_plugin

        try:
            return str(get_plugin(self.plugin).verbose_name)
        except LookupError:
            return self.plugin

    @property
    def site_label(self) -> str:
        profile = getattr(self.site, "profile", None)
        if profile is not None:
            return f"{profile.name}({profile.division_code})"
        return self.site.site_name or self.site.hostname

    # Column headings of the 插件启用 list.
    plugin_name.fget.short_description = _("插件")
    site_label.fget.short_description = _("站点")
