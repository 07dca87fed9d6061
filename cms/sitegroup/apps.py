from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteGroupConfig(AppConfig):
    name = "cms.sitegroup"
    label = "sitegroup"
    verbose_name = _("网站群")
    default_auto_field = "django.db.models.BigAutoField"
