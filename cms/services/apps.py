from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    """Shared core services; its one model is the admin-editable holiday calendar."""

    name = "cms.services"
    label = "services"
    verbose_name = _("公共服务")
    default_auto_field = "django.db.models.BigAutoField"
