"""The plugin framework's own app (label ``pluginregistry``): switches and start-up wiring."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PluginRegistryConfig(AppConfig):
    name = "cms.plugins"
    # Not "plugins": that is the top-level package holding this repository's plugins.
    label = "pluginregistry"
    verbose_name = _("插件")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cms.sitegroup.signals import site_provisioned

        from . import registry

        site_provisioned.connect(registry.on_site_provisioned, dispatch_uid="pluginregistry")
        post_migrate.connect(registry.on_post_migrate, dispatch_uid="pluginregistry")
