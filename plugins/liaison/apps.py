"""The liaison plugin's declaration."""

from django.utils.translation import gettext_lazy as _

from cms.plugins import PluginConfig

from .committee_conf import COMMITTEE_ENUM_NAMES, COMMITTEE_PERMISSIONS, COMMITTEE_SETTINGS


class LiaisonConfig(PluginConfig):
    default = True
    name = "plugins.liaison"
    label = "liaison"
    verbose_name = _("联系群众")
    english_name = "Liaison"
    version = "0.1.0"
    core_version = ">=0.1,<1"
    default_auto_field = "django.db.models.BigAutoField"
    api_urls = "api.urls"
    default_settings = {"PAGE_SIZE": 20, **COMMITTEE_SETTINGS}
    group_permissions = {**COMMITTEE_PERMISSIONS}
    openapi_enum_names = {**COMMITTEE_ENUM_NAMES}

    def ready(self) -> None:
        super().ready()
        from .committee_conf import ready as committee_ready

        committee_ready()
