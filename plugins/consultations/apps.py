"""The consultations plugin's declaration."""

from django.utils.translation import gettext_lazy as _

from cms.plugins import PluginConfig


class ConsultationsConfig(PluginConfig):
    default = True
    name = "plugins.consultations"
    label = "consultations"
    verbose_name = _("立法征询")
    english_name = "Consultations"
    version = "0.1.0"
    core_version = ">=0.1,<1"
    default_auto_field = "django.db.models.BigAutoField"
    api_urls = "api.urls"
    default_settings = {"PAGE_SIZE": 20}
