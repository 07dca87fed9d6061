from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "cms.content"
    label = "content"
    verbose_name = _("内容")
    default_auto_field = "django.db.models.BigAutoField"
